namespace Edge.Fleet.Demo;

/// <summary>Extra start-up arguments a demo device needs to be admitted by this fleet (its provisioning).</summary>
public interface IDemoEnrolment
{
    IReadOnlyList<string> ArgumentsFor(string deviceId, string counter, string dataDir, Uri fleetUrl);
}
