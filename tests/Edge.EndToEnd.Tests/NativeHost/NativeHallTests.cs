using Edge.EndToEnd.Tests.Hall;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.NativeHost;

/// <summary><see cref="HallTests"/> on the Native AOT host: roles by enrolment, the board, the page in Chromium, espeak-ng's announcements.</summary>
[Collection(NativeHostCollection.Name)]
public sealed class NativeHallTests(ITestOutputHelper output, NativeHostBuild host) : HallTests(output, host.Program);
