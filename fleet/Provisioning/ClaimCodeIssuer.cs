using System.Security.Cryptography;
using Edge.Fleet.Audit;
using Edge.Fleet.Auth;
using Edge.Fleet.Registry;
using Edge.Wire;
using LiteDB;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Provisioning;

/// <summary>Why a claim code did not provision a device.</summary>
public enum RedeemRefusal
{
    Unknown,
    Expired,
    Used,
    DeviceIdTaken,
}

/// <summary>A redeemed code: the new device and its secret (returned once, never stored), or why not.</summary>
public sealed record RedeemResult(RegisteredDevice? Device, string? Secret, RedeemRefusal? Refusal);

/// <summary>
/// Issues claim codes for enrolments and redeems them: a code provisions exactly one device, once, before it
/// expires. Redeeming is one durable transaction: the code is marked used, the device registered and the device
/// it replaces marked replaced together, so a crash cannot leave a used code without a device or the reverse.
/// </summary>
public sealed class ClaimCodeIssuer
{
    public const string Collection = "enrolments";

    private const string GeneratedIdAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";

    private readonly RegistryDatabase _db;
    private readonly DeviceRegistry _registry;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;
    private readonly ProvisioningOptions _options;
    private readonly ILiteCollection<Enrolment> _enrolments;

    public ClaimCodeIssuer(RegistryDatabase db, DeviceRegistry registry, AuditLog audit, TimeProvider time, IOptions<ProvisioningOptions> options)
    {
        _db = db;
        _registry = registry;
        _audit = audit;
        _time = time;
        _options = options.Value;
        _enrolments = db.Collection<Enrolment>(Collection);
    }

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
            if (!DeviceId.IsValid(request.DeviceId) || request.DeviceId == Broker.EmbeddedAckSender.FleetClientId)
            {
                return $"deviceId must be 1-{DeviceId.MaxLength} characters of A-Z a-z 0-9 - _ (got '{request.DeviceId}')";
            }

            if (_registry.Find(request.DeviceId) is not null)
            {
                return $"device {request.DeviceId} is already registered";
            }
        }

        return null;
    }

    /// <summary>Creates an enrolment (checked with <see cref="Check"/> first) and returns its claim code, shown once.</summary>
    public EnrolmentView Create(EnrolmentRequest request, string createdBy, string? replaces = null)
    {
        var code = ClaimCode.New();
        var now = _time.GetUtcNow();
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
        _db.Write(() => _enrolments.Insert(enrolment));
        _audit.Record(createdBy, AuditActions.EnrolmentCreated, enrolment.DeviceId ?? $"{enrolment.Centre}/{enrolment.Counter}",
            detail: $"centre {enrolment.Centre}, counter {enrolment.Counter}, role {enrolment.Role}"
                + (replaces is null ? "" : $", replaces {replaces}") + $", expires {enrolment.ExpiresAt:O}");
        return new EnrolmentView(code, enrolment.Centre, enrolment.Counter, enrolment.Role, enrolment.DeviceId, replaces,
            new DateTimeOffset(enrolment.ExpiresAt, TimeSpan.Zero));
    }

    /// <summary>Enrolments not yet redeemed nor expired, newest first (codes are not recoverable).</summary>
    public IReadOnlyList<Enrolment> ListOpen()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return _enrolments.Find(e => e.UsedAt == null && e.ExpiresAt > now).OrderByDescending(e => e.CreatedAt).ToList();
    }

    /// <summary>Redeems a typed claim code for a new device and its secret.</summary>
    public RedeemResult Redeem(string? typedCode)
    {
        var normalized = ClaimCode.Normalize(typedCode);
        if (normalized is null)
        {
            return new RedeemResult(null, null, RedeemRefusal.Unknown);
        }

        var key = ClaimCode.Key(normalized);
        var now = _time.GetUtcNow().UtcDateTime;
        var secret = SecretHash.NewSecret();
        var secretHash = SecretHash.Hash(secret, SecretHash.DeviceSecretIterations);
        RegisteredDevice[] changed = [];
        var refusal = _db.Write<RedeemRefusal?>(() =>
        {
            var enrolment = _enrolments.FindById(key);
            if (enrolment is null)
            {
                return RedeemRefusal.Unknown;
            }

            if (enrolment.UsedAt is not null)
            {
                return RedeemRefusal.Used;
            }

            if (enrolment.ExpiresAt <= now)
            {
                return RedeemRefusal.Expired;
            }

            var deviceId = enrolment.DeviceId ?? NewDeviceId(enrolment.Role);
            if (_registry.Find(deviceId) is not null)
            {
                return RedeemRefusal.DeviceIdTaken;
            }

            var device = new RegisteredDevice
            {
                Id = deviceId,
                Centre = enrolment.Centre,
                Counter = enrolment.Counter,
                Role = enrolment.Role,
                Status = DeviceStates.Active,
                SecretHash = secretHash,
                CreatedAt = now,
            };
            _registry.InsertInTransaction(device);
            changed = [device];
            if (enrolment.Replaces is not null && _registry.Find(enrolment.Replaces) is { } old && old.Status != DeviceStates.Retired)
            {
                var replaced = DeviceRegistry.Copy(old);
                replaced.Status = DeviceStates.ReplacedBy;
                replaced.ReplacedBy = deviceId;
                _registry.UpdateInTransaction(replaced);
                changed = [device, replaced];
            }

            enrolment.UsedAt = now;
            enrolment.UsedBy = deviceId;
            _enrolments.Update(enrolment);
            return null;
        });

        if (refusal is not null)
        {
            return new RedeemResult(null, null, refusal);
        }

        _registry.Publish(changed);
        return new RedeemResult(changed[0], secret, null);
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
            if (_registry.Find(id) is null)
            {
                return id;
            }
        }
    }
}
