using Edge.Device.Configuration;
using Edge.Device.Display;
using Microsoft.Extensions.Options;

namespace Edge.Device.Queue;

/// <summary>
/// The GPIO pins the queue's buttons take in the device's role (a kiosk's field and priority buttons; a counter's
/// call-next, recall, skip and transfer buttons; none on a hall display), against the other peripherals' pins on the
/// same header: the rating buttons and their LEDs (every role), and the TM1637's CLK and DIO when that chip is
/// configured explicitly. One pin wired to two things is a problem naming both keys, at start-up and in a remote
/// configuration alike. (<see cref="QueueOptions.Validate"/> already refuses a pin used twice within the queue.)
/// </summary>
public static class QueuePins
{
    /// <summary>The queue's pins in <paramref name="role"/>, each with the key that sets it.</summary>
    public static IEnumerable<(int Pin, string Key)> Of(string role, QueueOptions queue)
    {
        const string q = QueueOptions.Section;
        if (role == DeviceRoleOptions.Kiosk)
        {
            for (var i = 0; i < queue.Fields.Count; i++)
            {
                yield return (queue.Fields[i].Pin, $"{q}:Fields:{i}:Pin");
                yield return (queue.Fields[i].PriorityPin, $"{q}:Fields:{i}:PriorityPin");
            }
        }
        else if (role == DeviceRoleOptions.Counter)
        {
            yield return (queue.CallNextPin, $"{q}:CallNextPin");
            yield return (queue.RecallPin, $"{q}:RecallPin");
            yield return (queue.SkipPin, $"{q}:SkipPin");
            for (var i = 0; i < queue.Transfers.Count; i++)
            {
                yield return (queue.Transfers[i].Pin, $"{q}:Transfers:{i}:Pin");
            }
        }
    }

    /// <summary>Every queue pin that another peripheral also uses, naming both keys.</summary>
    public static IEnumerable<string> Conflicts(string role, QueueOptions queue, RatingOptions rating, DisplayOptions display)
    {
        var others = new List<(int Pin, string Key)>();
        others.AddRange(rating.Pins.Select((p, i) => (p, $"{RatingOptions.Section}:Pins:{i}")));
        others.AddRange(rating.LedPins.Select((p, i) => (p, $"{RatingOptions.Section}:LedPins:{i}")));
        if (display.Kind == "tm1637")
        {
            others.Add((display.ClkPin, $"{DisplayOptions.Section}:ClkPin"));
            others.Add((display.DioPin, $"{DisplayOptions.Section}:DioPin"));
        }

        foreach (var (pin, key) in Of(role, queue).Where(p => p.Pin >= 0))
        {
            foreach (var other in others.Where(o => o.Pin == pin))
            {
                yield return $"{key} uses pin {pin}, already {other.Key}";
            }
        }
    }

    /// <summary>
    /// The start-up check of <see cref="Conflicts"/> beside <see cref="QueueOptions.Validate"/>, with the other sections
    /// as the host bound them; none when one of those is invalid itself: its own check names that.
    /// </summary>
    public static IEnumerable<string> AtStart(QueueOptions queue, IServiceProvider services)
    {
        try
        {
            return Conflicts(
                services.GetRequiredService<IOptions<DeviceRoleOptions>>().Value.Role,
                queue,
                services.GetRequiredService<IOptions<RatingOptions>>().Value,
                services.GetRequiredService<IOptions<DisplayOptions>>().Value).ToList();
        }
        catch (OptionsValidationException)
        {
            return [];
        }
    }
}
