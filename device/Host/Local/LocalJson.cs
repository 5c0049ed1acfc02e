using System.Text.Json.Serialization;

namespace Edge.Device.Local;

/// <summary>POST /sim/press: what was pressed and how many of those presses are durable in the outbox.</summary>
public sealed record SimPressResult(int Button, int Level, int Pressed, long Durable, long NextSeq);

/// <summary>The printer's state in one word (see PrinterStateNames) and in words.</summary>
public sealed record PrinterStatusView(string State, string Detail);

/// <summary>GET/POST /sim/printer: the virtual printer's paper and cover, and what it has printed.</summary>
public sealed record VirtualPrinterView(bool PaperOut, bool PaperNearEnd, bool CoverOpen, bool Offline, IReadOnlyList<string> Pages, IReadOnlyList<string> QrCodes);

/// <summary>GET /display: the display kind, what the host last showed, and what the (simulated) chip shows.</summary>
public sealed record DisplayView(string Kind, string Current, string? Shows);

/// <summary>An error answer with one readable sentence.</summary>
public sealed record LocalError(string Error);

/// <summary>
/// A press or flood that could not be stored: the sentence, whether every event is durable (<see cref="Stored"/>),
/// how many are, and how many wait in memory to be retried (lost if the power is cut before the disk recovers).
/// </summary>
public sealed record NotStoredError(string Error, bool Stored, int Pressed, long Durable, long WaitingInMemory, string? Fault);

/// <summary>The simulated wall clock: what it reads, how far off it is, whether it says it is synchronised.</summary>
public sealed record SimClockView(DateTimeOffset Now, double OffsetSeconds, bool Synced, string Run, long UptimeMs);

/// <summary>GET /local: requests answered by a route, refused (404, 405, 400, 413) and failed (500) since start.</summary>
public sealed record LocalView(long Answered, long Refused, long Failed);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SimPressResult))]
[JsonSerializable(typeof(LocalError))]
[JsonSerializable(typeof(NotStoredError))]
[JsonSerializable(typeof(SimClockView))]
[JsonSerializable(typeof(DisplayView))]
[JsonSerializable(typeof(PrinterStatusView))]
[JsonSerializable(typeof(VirtualPrinterView))]
[JsonSerializable(typeof(LocalView))]
public sealed partial class LocalJson : JsonSerializerContext;
