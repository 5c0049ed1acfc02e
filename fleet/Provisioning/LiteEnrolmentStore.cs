using Edge.Fleet.Broker;
using Edge.Fleet.Registry;
using LiteDB;

namespace Edge.Fleet.Provisioning;

/// <summary><see cref="IEnrolmentStore"/> in <see cref="RegistryFile"/>: a redemption is one durable LiteDB transaction.</summary>
public sealed class LiteEnrolmentStore(RegistryFile db) : IEnrolmentStore
{
    public const string Collection = "enrolments";

    private ILiteCollection<Enrolment> _enrolments => db.Collection<Enrolment>(Collection);
    private ILiteCollection<RegisteredDevice> _devices => db.Collection<RegisteredDevice>(LiteDeviceStore.Collection);

    public Task AddAsync(Enrolment enrolment, CancellationToken cancellationToken)
    {
        db.Write(() => _enrolments.Insert(enrolment));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Enrolment>> ListOpenAsync(DateTime now, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Enrolment>>(
            _enrolments.Find(e => e.UsedAt == null && e.ExpiresAt > now).OrderByDescending(e => e.CreatedAt).ToList());

    public Task<Redemption> RedeemAsync(string key, DateTime now, string secretHash, Func<string, string> newDeviceId, CancellationToken cancellationToken) =>
        Task.FromResult(db.Write(() =>
        {
            var enrolment = _enrolments.FindById(key);
            if (Enrolment.RefusalAt(enrolment, now) is { } refused)
            {
                return Redemption.Refused(refused);
            }

            var device = enrolment!.NewDevice(newDeviceId, secretHash, now);
            if (_devices.FindById(device.Id) is not null)
            {
                return Redemption.Refused(RedeemRefusal.DeviceIdTaken);
            }

            _devices.Insert(device);
            RegisteredDevice? replaced = null;
            if (enrolment.Replaces is not null && _devices.FindById(enrolment.Replaces) is { } old && old.Status != DeviceStates.Retired)
            {
                old.Status = DeviceStates.ReplacedBy;
                old.ReplacedBy = device.Id;
                _devices.Update(old);
                replaced = old;
            }

            enrolment.UsedAt = now;
            enrolment.UsedBy = device.Id;
            _enrolments.Update(enrolment);
            return new Redemption(device, replaced, null);
        }));

    public Task UndoAsync(string key, Redemption redemption, CancellationToken cancellationToken)
    {
        if (redemption.Device is not { } device)
        {
            return Task.CompletedTask;
        }

        db.Write(() =>
        {
            _devices.Delete(device.Id);
            if (redemption.Replaced is { } replaced && _devices.FindById(replaced.Id) is { } old
                && old.Status == DeviceStates.ReplacedBy && old.ReplacedBy == device.Id)
            {
                old.Status = DeviceStates.Active;
                old.ReplacedBy = null;
                _devices.Update(old);
            }

            if (_enrolments.FindById(key) is { } enrolment && enrolment.UsedBy == device.Id)
            {
                enrolment.UsedAt = null;
                enrolment.UsedBy = null;
                _enrolments.Update(enrolment);
            }

            return 0;
        });
        return Task.CompletedTask;
    }
}
