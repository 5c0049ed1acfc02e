using Edge.Fleet.Alerts;

namespace Edge.Fleet.Notifications;

/// <summary>
/// Another feature's mail given up after its last attempt, listed and retried by the dead-letter endpoints with the
/// alerts' own (<see cref="NotificationsRegistration.MapNotificationsApi"/>): the feature that sends the mail owns its
/// ledger and implements this (fleet/Reports: report e-mails), so Notifications need not know it.
/// </summary>
public interface IDeadLetterSource
{
    /// <summary>The channel of its dead letters (<see cref="DeadLetterChannels"/>).</summary>
    string Channel { get; }

    /// <summary>Its dead letters, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<DeadLetter>> ListAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Makes one pending again (attempts reset); false when <paramref name="id"/> is no dead letter of it.</summary>
    Task<bool> RetryAsync(string id, CancellationToken cancellationToken);
}
