namespace Edge.Fleet.Demo;

/// <summary>Extra start-up arguments a demo device needs to be admitted by this fleet in its role (its provisioning).</summary>
public interface IDemoEnrolment
{
    IReadOnlyList<string> ArgumentsFor(string deviceId, string counter, string role, string dataDir, Uri fleetUrl);
}
