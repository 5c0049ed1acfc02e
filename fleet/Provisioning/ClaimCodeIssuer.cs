using System.Security.Cryptography;
using Edge.Fleet.Audit;
using Edge.Fleet.Broker;
using Edge.Fleet.Registry;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Provisioning;

/// <summary>A redeemed code: the new device and its secret (returned once, never stored), or why not.</summary>
public sealed record RedeemResult(RegisteredDevice? Device, string? Secret, RedeemRefusal? Refusal, string? Problem = null);

/// <summary>
/// Issues claim codes for enrolments and redeems them: a code provisions exactly one device, once, before it
/// expires. Redeeming is one durable transaction (<see cref="IEnrolmentStore.RedeemAsync"/>): the code is marked
/// used, the device registered and the device it replaces marked replaced together. The broker is then given the
/// device's account (<see cref="IBrokerAccounts.GrantAsync"/>) before the secret is handed out; when it refuses, the
/// redemption is undone (<see cref="IEnrolmentStore.UndoAsync"/>) and the code stays usable.
/// </summary>
public sealed class ClaimCodeIssuer(
    IEnrolmentStore store,
    DeviceRegistry registry,
    AuditRecorder audit,
    IBrokerAccounts accounts,
    TimeProvider time,
    IOptions<ProvisioningOptions> options,
    ILogger<ClaimCodeIssuer> logger)
{
    private const string GeneratedIdAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";

    private readonly ProvisioningOptions _options = options.Value;

    /// <summary>Checks a request; null when it is acceptable, otherwise what is wrong with it.</summary>
    public string? Check(EnrolmentRequest request)
    {
        if (!DeviceId.IsValid(request.Centre) || request.Centre.Length > 32)
        {
            return $"centre must be 1-32 characters of A-Z a-z 0-9 - _ (got '{request.Centre}')";
        }

        if (!DeviceId.IsValid(request.Counter) || request.Counter.Length > 32)
        {
            return $"counter must be 1-32 characters of A-Z a-z 0-9 - _ (got '{request.Counter}')";
        }

        if (request.Role is not null && !DeviceRoles.IsValid(request.Role))
        {
            return $"role must be one of {string.Join(", ", DeviceRoles.All)} (got '{request.Role}')";
        }

        if (request.DeviceId is not null)
        {
            if (!DeviceId.IsValid(request.DeviceId) || request.DeviceId == Broker.DeviceSessionDelivery.FleetClientId)
            {
                return $"deviceId must be 1-{DeviceId.MaxLength} characters of A-Z a-z 0-9 - _ (got '{request.DeviceId}')";
            }

            if (registry.Find(request.DeviceId) is not null)
            {
                return $"device {request.DeviceId} is already registered";
            }
        }

        return null;
    }

    /// <summary><see cref="CreateAsync"/> for callers that cannot await (the demo's enrolments).</summary>
    public EnrolmentView Create(EnrolmentRequest request, string createdBy, string? replaces = null) =>
        CreateAsync(request, createdBy, replaces, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Creates an enrolment (checked with <see cref="Check"/> first) and returns its claim code, shown once.</summary>
    public async Task<EnrolmentView> CreateAsync(EnrolmentRequest request, string createdBy, string? replaces, CancellationToken cancellationToken)
    {
        var code = ClaimCode.New();
        var now = time.GetUtcNow();
        var enrolment = new Enrolment
        {
            Id = ClaimCode.Key(ClaimCode.Normalize(code)!),
            Centre = request.Centre,
            Counter = request.Counter,
            Role = request.Role ?? DeviceRoles.Counter,
            DeviceId = request.DeviceId,
            Replaces = replaces,
            CreatedBy = createdBy,
            CreatedAt = now.UtcDateTime,
            ExpiresAt = (now + _options.ClaimCodeLifetime).UtcDateTime,
        };
        await store.AddAsync(enrolment, cancellationToken);
        await audit.RecordAsync(createdBy, AuditActions.EnrolmentCreated, enrolment.DeviceId ?? $"{enrolment.Centre}/{enrolment.Counter}",
            detail: $"centre {enrolment.Centre}, counter {enrolment.Counter}, role {enrolment.Role}"
                + (replaces is null ? "" : $", replaces {replaces}") + $", expires {enrolment.ExpiresAt:O}", cancellationToken: cancellationToken);
        return new EnrolmentView(code, enrolment.Centre, enrolment.Counter, enrolment.Role, enrolment.DeviceId, replaces,
            new DateTimeOffset(enrolment.ExpiresAt, TimeSpan.Zero));
    }

    /// <summary>Enrolments not yet redeemed nor expired, newest first (codes are not recoverable).</summary>
    public Task<IReadOnlyList<Enrolment>> ListOpenAsync(CancellationToken cancellationToken) =>
        store.ListOpenAsync(time.GetUtcNow().UtcDateTime, cancellationToken);

    /// <summary>Redeems a typed claim code for a new device and its secret.</summary>
    public async Task<RedeemResult> RedeemAsync(string? typedCode, CancellationToken cancellationToken)
    {
        var normalized = ClaimCode.Normalize(typedCode);
        if (normalized is null)
        {
            return new RedeemResult(null, null, RedeemRefusal.Unknown);
        }

        var key = ClaimCode.Key(normalized);
        var secret = SecretHash.NewSecret();
        var secretHash = SecretHash.HashKey(secret);
        var redemption = await store.RedeemAsync(key, time.GetUtcNow().UtcDateTime, secretHash, NewDeviceId, cancellationToken);
        if (redemption.Refusal is { } refusal)
        {
            return new RedeemResult(null, null, refusal);
        }

        var device = redemption.Device!;
        try
        {
            await accounts.GrantAsync(device.Id, device.Role, secret, cancellationToken);
        }
        catch (Exception ex)
        {
            // Nobody has the secret yet: undo, so the code can be redeemed again once the broker answers.
            await store.UndoAsync(key, redemption, CancellationToken.None);
            if (ex is OperationCanceledException)
            {
                throw;
            }

            logger.LogError("The broker refused an account for {Device} ({Error}); the claim code stays usable", device.Id, ex.Message);
            return new RedeemResult(null, null, RedeemRefusal.BrokerUnavailable, ex.Message);
        }

        if (redemption.Replaced is { } replaced)
        {
            try
            {
                // A replaced lower fleet keeps nothing (its rights need an active entry); a replaced device hands in its buffer.
                await (replaced.Role == DeviceRoles.Fleet ? accounts.RevokeAsync(replaced.Id, cancellationToken) : accounts.DemoteAsync(replaced.Id, cancellationToken));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError("The broker did not demote replaced device {Device} ({Error}): it keeps its topics there until retired",
                    replaced.Id, ex.Message);
            }
        }

        await registry.PublishAsync(redemption.Replaced is { } r ? [device, r] : [device], cancellationToken);
        return new RedeemResult(device, secret, null);
    }

    private string NewDeviceId(string role)
    {
        while (true)
        {
            var suffix = string.Create(8, 0, (span, _) =>
            {
                for (var i = 0; i < span.Length; i++)
                {
                    span[i] = GeneratedIdAlphabet[RandomNumberGenerator.GetInt32(GeneratedIdAlphabet.Length)];
                }
            });
            var id = $"{role}-{suffix}";
            if (registry.Find(id) is null)
            {
                return id;
            }
        }
    }
}
