using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace Edge.Fleet.Web;

/// <summary>
/// Refuses a query parameter an <c>/api</c> endpoint does not take (400, naming it and what the endpoint does take)
/// instead of ignoring it: <c>?center=</c> for <c>?centre=</c> used to answer the whole fleet. What an endpoint takes
/// is read from its route handler's own parameters (<see cref="DeclaredQuery.Of"/>), so no list is kept by hand.
/// </summary>
public static class DeclaredQuery
{
    public static WebApplication UseDeclaredQueryOnly(this WebApplication app)
    {
        app.UseMiddleware<DeclaredQueryMiddleware>();
        return app;
    }

    /// <summary>
    /// The query parameter names <paramref name="endpoint"/>'s handler binds (case-insensitive, like binding), or null
    /// when it is not a route handler (nothing to check). A parameter comes from the query when it says so
    /// (<c>[FromQuery]</c>) or when it is a simple value (string, number, date, anything with <c>TryParse</c>) not named
    /// in the route; <c>[AsParameters]</c> types are looked into.
    /// </summary>
    public static IReadOnlySet<string>? Of(Endpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<MethodInfo>() is not { } handler)
        {
            return null;
        }

        var route = (endpoint as RouteEndpoint)?.RoutePattern.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in handler.GetParameters())
        {
            Add(names, route, parameter.Name, parameter.ParameterType, parameter.GetCustomAttributes(inherit: true));
        }

        return names;
    }

    private static void Add(HashSet<string> names, HashSet<string> route, string? name, Type type, object[] attributes)
    {
        if (attributes.OfType<AsParametersAttribute>().Any())
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                Add(names, route, property.Name, property.PropertyType, property.GetCustomAttributes(inherit: true));
            }

            return;
        }

        if (attributes.OfType<IFromQueryMetadata>().FirstOrDefault() is { } fromQuery)
        {
            names.Add(fromQuery.Name ?? name ?? "");
            return;
        }

        var boundElsewhere = attributes.Any(a => a is IFromRouteMetadata or IFromBodyMetadata or IFromServiceMetadata or IFromHeaderMetadata or IFromFormMetadata);
        if (!boundElsewhere && name is not null && !route.Contains(name) && IsSimple(type))
        {
            names.Add(name);
        }
    }

    private static bool IsSimple(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? (type.IsArray ? type.GetElementType()! : type);
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal)
            || type.GetMethods(BindingFlags.Public | BindingFlags.Static).Any(m => m.Name == "TryParse" && m.GetParameters() is [{ ParameterType: var first }, ..] && first == typeof(string));
    }
}

/// <summary>Answers 400 when a query names a parameter the matched endpoint does not take.</summary>
internal sealed class DeclaredQueryMiddleware(RequestDelegate next)
{
    private readonly ConcurrentDictionary<Endpoint, IReadOnlySet<string>?> _declared = new();

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Query.Count > 0 && context.Request.Path.StartsWithSegments("/api")
            && context.GetEndpoint() is { } endpoint && _declared.GetOrAdd(endpoint, DeclaredQuery.Of) is { } declared)
        {
            foreach (var key in context.Request.Query.Keys)
            {
                if (!declared.Contains(key))
                {
                    var taken = declared.Count == 0 ? "no query parameters" : "only " + string.Join(", ", declared.Order(StringComparer.Ordinal));
                    return Results.Json(new UnknownParameterView($"unknown query parameter '{key}': this endpoint takes {taken}", key),
                        WebJson.Default.UnknownParameterView, statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
                }
            }
        }

        return next(context);
    }
}

/// <summary>A refused query: <see cref="Parameter"/> is the name that was not understood.</summary>
public sealed record UnknownParameterView(string Error, string Parameter);
