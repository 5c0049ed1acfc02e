using Microsoft.Extensions.Options;

namespace Edge.Fleet.Demo;

/// <summary>
/// Rates the demo counters like a day of citizens would: every so often a random counter gets a press, mostly
/// satisfied, through the device's own simulated GPIO (POST /sim/press on its local endpoint).
/// </summary>
public sealed class SimulatedCitizens(IOptions<DemoOptions> options, DemoDevices devices, ILogger<SimulatedCitizens> logger) : BackgroundService
{
    // Button 1 is the best level: weights for buttons 1..4.
    private static readonly int[] Weights = [55, 30, 10, 5];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Devices <= 0)
        {
            return;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var random = new Random();
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(options.Value.PressIntervalMs / 2, options.Value.PressIntervalMs * 3 / 2 + 1)), stoppingToken);
            var endpoints = devices.Endpoints;
            if (endpoints.Count == 0)
            {
                continue;
            }

            var device = endpoints[random.Next(endpoints.Count)];
            var button = PickButton(random);
            try
            {
                using var response = await http.PostAsync(new Uri(device, $"/sim/press?button={button}"), null, stoppingToken);
                logger.LogDebug("Citizen pressed button {Button} on {Device}: {Status}", button, device, (int)response.StatusCode);
            }
            catch (HttpRequestException ex)
            {
                logger.LogDebug("Demo device {Device} not answering: {Error}", device, ex.Message);
            }
        }
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
