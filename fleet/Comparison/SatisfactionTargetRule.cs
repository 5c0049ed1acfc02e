using System.Security.Claims;
using Edge.Fleet.Alerts;
using Edge.Fleet.Alerts.Rules;
using Edge.Fleet.Auth;
using Edge.Fleet.Centres;
using Edge.Fleet.Registry;
using Edge.Fleet.Stats;
using Edge.Fleet.Store;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Comparison;

/// <summary>
/// Alert <c>satisfaction-below-target</c> (warning) for a centre of the directory whose satisfaction index was below
/// its province's target (<see cref="ComparisonOptions"/>) on each of the last <see cref="ComparisonOptions.BreachDays"/>
/// complete days (centre time) that had ratings, all of them; it resolves when a day at or above target breaks the
/// run. E-mails go as the notification rules say (default: the centre's managers and the province officers of its
/// province, scoped as the API scopes them). The days' indices are counted again every
/// <see cref="ComparisonOptions.BreachCheckEveryMinutes"/> (and when the local day changes), not every round.
/// </summary>
public sealed class SatisfactionTargetRule(
    IEventStore events, DeviceRegistry registry, ICentreDirectory directory, RatingBreakdown breakdown, IOptions<ComparisonOptions> options) : IAlertRule
{
    public const string Kind = "satisfaction-below-target";

    private static readonly ClaimsPrincipal Fleet = new(new ClaimsIdentity([new Claim(ClaimTypes.Role, UserRoles.Administrator)], "comparison"));
    private (DateTimeOffset At, IReadOnlyList<AlertCondition> Conditions)? _last;

    public async Task<IReadOnlyList<AlertCondition>> EvaluateAsync(AlertContext context, CancellationToken cancellationToken)
    {
        if (_last is { } last && context.Now - last.At < TimeSpan.FromMinutes(options.Value.BreachCheckEveryMinutes)
            && breakdown.LocalDate(last.At) == breakdown.LocalDate(context.Now))
        {
            return last.Conditions;
        }

        var settings = options.Value;
        var conditions = new List<AlertCondition>();
        if (settings.BreachDays == 0)
        {
            return conditions;
        }

        var today = breakdown.LocalDate(context.Now);
        foreach (var centre in directory.Centres)
        {
            var target = settings.TargetOf(centre.Province);
            var below = new List<double>();
            for (var back = 1; back <= settings.BreachDays; back++)
            {
                var day = breakdown.LocalDate(today.AddHours(12 - 24 * back));
                var next = breakdown.LocalDate(day.AddHours(36));
                var counts = await ScopedRatingCounts.CountAsync(events, registry, Fleet, new HashSet<string>([centre.Id], StringComparer.Ordinal),
                    new RatingFilter(From: day, To: next), cancellationToken);
                if (counts?.Index is not { } index || index >= target)
                {
                    break;
                }

                below.Add(index);
            }

            if (below.Count == settings.BreachDays)
            {
                conditions.Add(new AlertCondition(Kind, Severities.Warning, null, null, centre.Id,
                    $"satisfaction {string.Join(", ", below.AsEnumerable().Reverse().Select(i => $"{i:P1}"))} below the target {target:P0} on each of the last {settings.BreachDays} days"));
            }
        }

        _last = (context.Now, conditions);
        return conditions;
    }
}
