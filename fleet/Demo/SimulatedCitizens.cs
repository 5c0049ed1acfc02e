using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Demo;

/// <summary>
/// A day of citizens at the demo centre, through the devices' own simulated GPIO (POST /sim/press on their local
/// endpoints): citizens take tickets at the kiosk (a field button), counters press call-next, and the citizen a counter
/// called rates it (mostly satisfied) before the counter calls the next one. The hall display shows and announces the
/// calls from the fleet's board.
/// </summary>
public sealed class SimulatedCitizens(IOptions<DemoOptions> options, DemoDevices devices, ILogger<SimulatedCitizens> logger) : BackgroundService
{
    // Button 1 is the best level: weights for buttons 1..4.
    private static readonly int[] Weights = [55, 30, 10, 5];

    /// <summary>Counters whose display shows a called ticket: their citizen rates next.</summary>
    private readonly ConcurrentDictionary<Uri, bool> _serving = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Devices <= 0)
        {
            return;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        var random = new Random();
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(options.Value.PressIntervalMs / 2, options.Value.PressIntervalMs * 3 / 2 + 1)), stoppingToken);
            var counters = devices.Endpoints;
            if (counters.Count == 0)
            {
                continue;
            }

            try
            {
                if (devices.Kiosk is { } kiosk && random.Next(100) < 40)
                {
                    var field = DemoCentre.Fields[random.Next(DemoCentre.Fields.Length)];
                    await PressAsync(http, kiosk, $"pin={field.Pin.ToString(CultureInfo.InvariantCulture)}", stoppingToken);
                    continue;
                }

                var counter = counters[random.Next(counters.Count)];
                if (_serving.TryGetValue(counter, out var serving) && serving)
                {
                    await PressAsync(http, counter, $"button={PickButton(random).ToString(CultureInfo.InvariantCulture)}", stoppingToken);
                    _serving[counter] = false;
                }
                else
                {
                    await PressAsync(http, counter, $"pin={DemoCentre.CallNextPin.ToString(CultureInfo.InvariantCulture)}", stoppingToken);
                    _serving[counter] = await ShowsTicketAsync(http, counter, stoppingToken);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug("A demo device is not answering: {Error}", ex.Message);
            }
        }
    }

    private async Task PressAsync(HttpClient http, Uri device, string query, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(new Uri(device, $"/sim/press?{query}"), null, cancellationToken);
        logger.LogDebug("Citizen pressed {Query} on {Device}: {Status}", query, device, (int)response.StatusCode);
    }

    private static async Task<bool> ShowsTicketAsync(HttpClient http, Uri counter, CancellationToken cancellationToken)
    {
        using var display = JsonDocument.Parse(await http.GetStringAsync(new Uri(counter, "/display"), cancellationToken));
        return display.RootElement.TryGetProperty("current", out var current) && current.GetString() is { } shown && shown.Trim() is { Length: > 0 } text && text != "----";
    }

    private static int PickButton(Random random)
    {
        var roll = random.Next(Weights.Sum());
        for (var i = 0; i < Weights.Length; i++)
        {
            roll -= Weights[i];
            if (roll < 0)
            {
                return i + 1;
            }
        }

        return Weights.Length;
    }
}
