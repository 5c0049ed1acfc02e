namespace Edge.Fleet.Web;

/// <summary>A request the API refuses, with what was wrong in one sentence (every feature's 4xx body; fleet/Web/README.md).</summary>
public sealed record ErrorView(string Error);
