namespace Edge.Fleet.Releases;

/// <summary>
/// Splits a rollout's devices into stages: first the named canary devices (if any), then the rest by cumulative
/// percentages of all the devices (e.g. 10, 50, 100: the first stage brings the total to 10%, at least one
/// device, the next to 50%, the last to everything). Devices keep the order given; duplicates count once.
/// </summary>
public static class StagePlanner
{
    public static IReadOnlyList<IReadOnlyList<string>> Plan(IReadOnlyList<string> devices, IReadOnlyList<string>? canary, IReadOnlyList<double>? percents)
    {
        var all = devices.Distinct(StringComparer.Ordinal).ToList();
        var stages = new List<IReadOnlyList<string>>();
        var first = (canary ?? []).Distinct(StringComparer.Ordinal).Where(all.Contains).ToList();
        if (first.Count > 0)
        {
            stages.Add(first);
        }

        var rest = all.Except(first, StringComparer.Ordinal).ToList();
        var planned = first.Count;
        foreach (var percent in (percents is { Count: > 0 } ? percents : [100]).Append(100))
        {
            var upTo = Math.Max(planned + 1, (int)Math.Ceiling(all.Count * Math.Clamp(percent, 0, 100) / 100.0));
            var take = Math.Min(upTo - planned, rest.Count);
            if (take <= 0)
            {
                continue;
            }

            stages.Add(rest.Take(take).ToList());
            rest = rest.Skip(take).ToList();
            planned += take;
        }

        return stages;
    }

    /// <summary>What is wrong with a rollout request's shape, or null.</summary>
    public static string? Problem(IReadOnlyList<string>? devices, IReadOnlyList<string>? canary, IReadOnlyList<double>? percents)
    {
        if (devices is not { Count: > 0 })
        {
            return "devices must name at least one device";
        }

        if (devices.Any(d => !Edge.Wire.DeviceId.IsValid(d)))
        {
            return "devices must be device ids (1-64 of A-Z a-z 0-9 - _)";
        }

        if (canary is not null && canary.Any(c => !devices.Contains(c)))
        {
            return "canary devices must be among the devices";
        }

        if (percents is not null && (percents.Any(p => p is <= 0 or > 100 || double.IsNaN(p)) || percents.Zip(percents.Skip(1)).Any(p => p.Second <= p.First)))
        {
            return "percents must rise strictly within (0, 100], e.g. [10, 50, 100]";
        }

        return null;
    }
}
