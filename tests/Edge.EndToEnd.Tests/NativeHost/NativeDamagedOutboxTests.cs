using Edge.EndToEnd.Tests.Spine;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.NativeHost;

/// <summary>
/// <see cref="DamagedOutboxTests"/> on the Native AOT host: an outbox lost after delivery, and one full of garbage
/// (quarantined, its pending presses salvaged), each with the alarm raised and no press lost.
/// </summary>
[Collection(NativeHostCollection.Name)]
public sealed class NativeDamagedOutboxTests(ITestOutputHelper output, NativeHostBuild host) : DamagedOutboxTests(output, host.Program);
