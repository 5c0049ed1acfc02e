using System.Globalization;
using Edge.Fleet.Store;

namespace Edge.Fleet.Alerts.Rules;

/// <summary>
/// A counter with no rating during its last <c>NoRatingHours</c> of opening time (nights, lunch and closed days
/// skipped): usually a broken button or cable. Only counters whose device has been up and online for that whole
/// window are judged, so a device just installed or rebooted is not accused; an open alert stays open outside
/// opening hours until a rating comes. A counter is a (centre, counter) pair: counter "1" of centre A is not counter "1"
/// of centre B, so its ratings are counted over the devices registered at it, never by its label across centres.
/// </summary>
public sealed class SilentCounterRule(IEventStore store) : IAlertRule
{
    public async Task<IReadOnlyList<AlertCondition>> EvaluateAsync(AlertContext context, CancellationToken cancellationToken)
    {
        var conditions = new List<AlertCondition>();
        foreach (var counter in context.Devices.Where(d => d.Counter is not null).GroupBy(d => (d.Centre, Counter: d.Counter!)))
        {
            var device = counter.First();
            var rules = context.Rules.For(device.Centre);
            var hours = rules.Rules.NoRatingHours;
            if (hours <= 0)
            {
                continue;
            }

            var condition = new AlertCondition(AlertKinds.CounterSilent, Severities.Warning, null, counter.Key.Counter, device.Centre,
                string.Create(CultureInfo.InvariantCulture, $"no rating for {hours:0.##} opening hours"))
            {
                Parameters = new Dictionary<string, string> { [AlertParameters.Hours] = hours.ToString("0.##", CultureInfo.InvariantCulture) },
            };
            var alreadyOpen = context.OpenKeys.Contains(condition.Key);
            if (!rules.IsOpen(context.Now) && !alreadyOpen)
            {
                continue;
            }

            if (rules.StartOfOpenTime(context.Now, TimeSpan.FromHours(hours)) is not { } start)
            {
                continue;
            }

            var watched = counter.Any(d => d.Liveness.Online && d.Latest?.Report.UptimeS >= (context.Now - start).TotalSeconds);
            if (!watched && !alreadyOpen)
            {
                continue;
            }

            long total = 0;
            foreach (var member in counter)
            {
                total += (await store.CountRatingsAsync(new RatingFilter(DeviceId: member.Id, From: start, To: context.Now), cancellationToken)).Total;
            }

            if (total == 0)
            {
                conditions.Add(condition);
            }
        }

        return conditions;
    }
}
