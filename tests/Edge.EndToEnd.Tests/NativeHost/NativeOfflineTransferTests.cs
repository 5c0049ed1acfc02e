using Edge.EndToEnd.Tests.Queue;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.NativeHost;

/// <summary>
/// <see cref="OfflineTransferTests"/> on the Native AOT host: LAN traffic between a centre's devices while the fleet is
/// down (signed with the centre key the fleet gave), and the lists of options objects (Queue:Fields, Queue:Transfers)
/// that bound empty under AOT until their getters named them with [DynamicDependency]. Removing the attribute from
/// Queue:Transfers alone left its list bound (tried on a host published so): the attributes of Queue:Fields and
/// Lan:Peers keep the code of ICollection&lt;T&gt;.Add that all reference types share, so the three are one requirement.
/// </summary>
[Collection(NativeHostCollection.Name)]
public sealed class NativeOfflineTransferTests(ITestOutputHelper output, NativeHostBuild host) : OfflineTransferTests(output, host.Program);
