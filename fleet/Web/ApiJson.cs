using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Fleet.Web;

/// <summary>
/// Source-generated JSON for the types of the API's common behaviour (<see cref="ErrorView"/>, the refused query
/// parameter). Every feature has its own context (e.g. <c>AlertsJson</c>, <c>HealthJson</c>) and adds it with
/// <see cref="ApiJsonRegistration.AddApiJson"/>; the wire types have <see cref="Edge.Wire.WireJson"/>.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ErrorView))]
[JsonSerializable(typeof(UnknownParameterView))]
public sealed partial class WebJson : JsonSerializerContext;

public static class ApiJsonRegistration
{
    /// <summary>The common types' context; registered first, so that a feature's own context answers before it.</summary>
    public static IHostApplicationBuilder AddWebJson(this IHostApplicationBuilder builder)
    {
        builder.Services.AddApiJson(WebJson.Default);
        return builder;
    }

    /// <summary>Lets the minimal APIs read and write a feature's types from its source-generated context (first in the chain).</summary>
    public static IServiceCollection AddApiJson(this IServiceCollection services, JsonSerializerContext context) =>
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, context));
}
