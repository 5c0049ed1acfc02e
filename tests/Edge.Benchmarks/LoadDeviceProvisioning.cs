using Edge.LoadGen;
using Edge.Testing;

namespace Edge.Benchmarks;

/// <summary>
/// Gives load-generator devices what a Pi gets at first boot: each id is enrolled at a centre and its claim code
/// redeemed at the fleet, and the secret it got goes into <see cref="LoadOptions.Passwords"/>, so the fleet keeps
/// device authentication on. The fleet must allow that many provisioning attempts from loopback
/// (<c>--Provisioning:AttemptsPerMinute</c>).
/// </summary>
public static class LoadDeviceProvisioning
{
    public static Task ProvisionAsync(FleetRunner fleet, string centre, IEnumerable<string> deviceIds, LoadOptions load) =>
        Parallel.ForEachAsync(deviceIds, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (id, _) =>
        {
            var credentials = await fleet.ProvisionAsync(centre, id, id);
            lock (load.Passwords)
            {
                load.Passwords[id] = credentials.Secret;
            }
        });
}
