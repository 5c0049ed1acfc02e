using System.Reflection;

namespace Edge.Fleet.Web;

/// <summary>
/// Static files embedded in the fleet's assembly under one resource prefix (the dashboard's, the public board's),
/// served with their content type. A name with a slash, of a type not listed, or not embedded is a 404.
/// </summary>
public sealed class EmbeddedFiles(string resourcePrefix)
{
    public const string Html = "text/html; charset=utf-8";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = Html,
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    public IResult Serve(string file) =>
        !file.Contains('/') && ContentTypes.TryGetValue(Path.GetExtension(file), out var contentType) && Open(file) is { } stream
            ? Results.Stream(stream, contentType)
            : Results.NotFound();

    /// <summary>The embedded file, or null when there is none of that name.</summary>
    public Stream? Open(string file) => Assembly.GetExecutingAssembly().GetManifestResourceStream(resourcePrefix + file);
}
