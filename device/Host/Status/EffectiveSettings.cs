using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Edge.Device.Configuration;
using Edge.Device.Display;
using Edge.Device.Gpio;
using Edge.Device.Health;
using Edge.Device.Local;
using Edge.Device.Printing;
using Edge.Device.Queue;
using Microsoft.Extensions.Options;

namespace Edge.Device.Status;

/// <summary>
/// The options classes the host binds; a class left out makes GET /config fail, which TechnicianCliTests catches
/// before a technician does.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DeviceOptions))]
[JsonSerializable(typeof(UplinkOptions))]
[JsonSerializable(typeof(LocalOptions))]
[JsonSerializable(typeof(OutboxOptions))]
[JsonSerializable(typeof(RatingOptions))]
[JsonSerializable(typeof(GpioOptions))]
[JsonSerializable(typeof(HealthOptions))]
[JsonSerializable(typeof(PrinterOptions))]
[JsonSerializable(typeof(DisplayOptions))]
[JsonSerializable(typeof(QueueOptions))]
[JsonSerializable(typeof(DeviceRoleOptions))]
[JsonSerializable(typeof(Edge.Device.Updates.UpdateOptions))]
[JsonSerializable(typeof(OpeningHoursOptions))]
[JsonSerializable(typeof(Commands.CommandsOptions))]
[JsonSerializable(typeof(Lan.LanOptions))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class EffectiveSettingsJson : JsonSerializerContext;

public static class EffectiveSettingsEndpoint
{
    /// <summary>GET /config: every options section the host runs with, secrets masked, keyed by section name.</summary>
    public static LocalRoutes MapEffectiveSettings(this LocalRoutes routes)
    {
        routes.MapGet("/config", r =>
        {
            var sections = r.Service<IEnumerable<ISettingsSection>>();
            var all = new JsonObject();
            foreach (var section in sections.OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                // Two classes may bind one section (Device: identity and role); show their keys together.
                if (all[section.Name] is JsonObject shown && section.Current() is JsonObject more)
                {
                    foreach (var (key, value) in more.ToList())
                    {
                        more.Remove(key);
                        shown[key] = value;
                    }
                }
                else
                {
                    all[section.Name] = section.Current();
                }
            }

            return LocalAnswer.Json(all, EffectiveSettingsJson.Default.JsonObject);
        });
        return routes;
    }
}
