using Edge.Fleet.Broker;
using Edge.Fleet.Registry;
using Edge.LoadGen;

namespace Edge.Benchmarks;

/// <summary>
/// Writes load-generator devices into a stopped fleet's <c>registry.db</c> as redeeming their claim codes would have
/// left them (active, at a centre, a counter each, the secret's PBKDF2 hash of <see cref="SecretHash.DeviceSecretIterations"/>),
/// and their secrets into <see cref="LoadOptions.Passwords"/>. For the reconnect storm's 10,000 devices: claim codes
/// over HTTP (<see cref="LoadDeviceProvisioning"/>) took 64 ms a device on this shared machine, 11 minutes for the
/// storm; what the fleet does at a device's CONNECT (the registry's cache, the hash check) is the same either way.
/// </summary>
public static class RegistrySeed
{
    /// <summary>Device number i (from 0) of <paramref name="load"/> at centre <paramref name="centreOf"/>(i), into <paramref name="dataDir"/>.</summary>
    public static void Write(string dataDir, LoadOptions load, Func<int, string> centreOf)
    {
        Directory.CreateDirectory(dataDir);
        var now = DateTime.UtcNow;
        var devices = SimulatedDevices.Ids(load).Select((id, i) => (Id: id, Centre: centreOf(i), Secret: SecretHash.NewSecret()))
            .AsParallel().AsOrdered()
            .Select(d => (d.Id, d.Secret, Device: new RegisteredDevice
            {
                Id = d.Id,
                Centre = d.Centre,
                Counter = d.Id,
                Role = DeviceRoles.Counter,
                Status = DeviceStates.Active,
                SecretHash = SecretHash.Hash(d.Secret, SecretHash.DeviceSecretIterations),
                CreatedAt = now,
            }))
            .ToList();
        using var file = new RegistryFile(Path.Combine(dataDir, RegistryFile.FileName));
        file.Write(() => file.Collection<RegisteredDevice>(LiteDeviceStore.Collection).InsertBulk(devices.Select(d => d.Device)));
        foreach (var (id, secret, _) in devices)
        {
            load.Passwords[id] = secret;
        }
    }
}
