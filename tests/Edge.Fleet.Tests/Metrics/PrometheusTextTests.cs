using Edge.Fleet.Metrics;

namespace Edge.Fleet.Tests.Metrics;

public sealed class PrometheusTextTests
{
    [Fact]
    public void Histogram_buckets_are_cumulative_and_end_with_inf_sum_and_count()
    {
        var histogram = new LatencyHistogram();
        histogram.Observe(TimeSpan.FromMilliseconds(0.2));
        histogram.Observe(TimeSpan.FromMilliseconds(3));
        histogram.Observe(TimeSpan.FromSeconds(20));

        var text = new PrometheusText().Family("edge_store_seconds", "histogram", "latency").Histogram("edge_store_seconds", histogram, ("operation", "append")).ToString();

        Assert.Contains("# TYPE edge_store_seconds histogram\n", text);
        Assert.Contains("edge_store_seconds_bucket{operation=\"append\",le=\"0.0005\"} 1\n", text);
        Assert.Contains("edge_store_seconds_bucket{operation=\"append\",le=\"0.005\"} 2\n", text);
        Assert.Contains("edge_store_seconds_bucket{operation=\"append\",le=\"10\"} 2\n", text);
        Assert.Contains("edge_store_seconds_bucket{operation=\"append\",le=\"+Inf\"} 3\n", text);
        Assert.Contains("edge_store_seconds_count{operation=\"append\"} 3\n", text);
        Assert.Contains("edge_store_seconds_sum{operation=\"append\"} 20.0032\n", text);
    }

    [Fact]
    public void Label_values_are_escaped()
    {
        var text = new PrometheusText().Sample("edge_x", 1, ("reason", "a\"b\\c\nd")).ToString();

        Assert.Equal("edge_x{reason=\"a\\\"b\\\\c\\nd\"} 1\n", text);
    }
}
