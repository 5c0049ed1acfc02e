namespace Edge.Fleet.Demo;

/// <summary>Extra start-up arguments a demo device needs to be admitted by this fleet (its provisioning).</summary>
public interface IDemoEnrolment
{
    Task<IReadOnlyList<string>> ArgumentsForAsync(string deviceId, string counter, CancellationToken cancellationToken);
}

/// <summary>Used while device authentication is off: no extra arguments.</summary>
internal sealed class NoDemoEnrolment : IDemoEnrolment
{
    public Task<IReadOnlyList<string>> ArgumentsForAsync(string deviceId, string counter, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);
}
