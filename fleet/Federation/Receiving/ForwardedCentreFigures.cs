using System.Security.Claims;
using System.Text.Json.Serialization;
using Edge.Fleet.Auth;
using Edge.Fleet.Store;

namespace Edge.Fleet.Federation.Receiving;

/// <summary>One centre of a lower fleet as this fleet sees it: its ratings (all time), from the forwarded devices.</summary>
public sealed record ForwardedCentreView(string Source, string Centre, string SourceCentre, int Devices, long Ratings, long Satisfied, double? Index);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IReadOnlyList<ForwardedCentreView>))]
public sealed partial class FederationApiJson : JsonSerializerContext;

/// <summary>
/// <c>GET /api/v1/federation/centres[?source=]</c> (readers, limited to the centres they may see): every centre a
/// lower fleet forwarded, with the rating counts of its devices. The fleet's own <c>/api/v1/stats/ratings</c>
/// (unfiltered) already includes these ratings, since they are in its event store; this adds them per centre.
/// </summary>
public static class ForwardedCentreFigures
{
    public static IEndpointRouteBuilder MapFederationApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/federation/centres", async (IFederationStore store, IEventStore events, ClaimsPrincipal user, string? source, CancellationToken cancellationToken) =>
            TypedResults.Ok(await ReadAsync(store, events, user, source, cancellationToken)));
        return app;
    }

    public static async Task<IReadOnlyList<ForwardedCentreView>> ReadAsync(
        IFederationStore store, IEventStore events, ClaimsPrincipal user, string? source, CancellationToken cancellationToken)
    {
        var views = new List<ForwardedCentreView>();
        var devices = (await store.ListForwardedDevicesAsync(cancellationToken))
            .Where(d => (source is null || d.Source == source) && CentreScope.MaySee(user, d.Centre));
        foreach (var centre in devices.GroupBy(d => (d.Source, d.Centre, d.SourceCentre)))
        {
            long total = 0, satisfied = 0;
            foreach (var device in centre)
            {
                var counts = await events.CountRatingsAsync(new RatingFilter(DeviceId: device.StoredAs), cancellationToken);
                total += counts.Total;
                satisfied += counts.Satisfied;
            }

            views.Add(new ForwardedCentreView(centre.Key.Source, centre.Key.Centre, centre.Key.SourceCentre, centre.Count(), total, satisfied,
                total == 0 ? null : Math.Round((double)satisfied / total, 4)));
        }

        return views;
    }
}
