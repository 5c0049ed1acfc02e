using System.Globalization;
using System.Text;
using Edge.Testing;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.EndToEnd.Tests.Federation;

/// <summary>What the federation tests do to devices and ask of fleets: presses, drained outboxes, metrics, raw publishes.</summary>
internal static class FederationProbes
{
    /// <summary>Presses button i+1 <c>presses[i]</c> times (buttons are numbered best first: button 1 is level 4).</summary>
    public static Task PressAsync(DeviceRunner device, int[] presses) =>
        Task.WhenAll(presses.Select((count, i) => device.PressAsync(i + 1, count)));

    public static Task DrainedAsync(DeviceRunner device, TimeSpan within) => Eventually.TrueAsync(
        async () => (await device.StatusAsync()).GetProperty("outboxDepth").GetInt64() == 0, within, $"{device.Id}'s outbox to drain");

    /// <summary>
    /// A sample of the fleet's /metrics (name with labels as written there), 0 when absent. A sample without labels is
    /// written <c>name{} value</c> by the exporter (fleet/Metrics/README.md), which is read as <c>name value</c>.
    /// </summary>
    public static async Task<double> MetricAsync(FleetRunner fleet, string sample)
    {
        var text = await fleet.Http.GetStringAsync("/metrics");
        var line = text.Split('\n').Select(l => l.Replace("{} ", " ", StringComparison.Ordinal)).FirstOrDefault(l => l.StartsWith(sample + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(sample.Length + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>One QoS 1 publish; the broker's answer (PUBACK reason code), within 10 s.</summary>
    public static async Task<MqttClientPublishReasonCode> PublishAsync(IMqttClient client, string topic, string payload)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return (await client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(Encoding.UTF8.GetBytes(payload))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build(), deadline.Token)).ReasonCode;
    }
}
