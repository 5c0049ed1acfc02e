using System.Device.I2c;
using Edge.Device.Drivers.Rtc;
using Microsoft.Extensions.Options;

namespace Edge.Device.Clock;

/// <summary>
/// Opens the configured RTC and starts the wall clock from it (<see cref="Open"/>, when the clock is first needed); then,
/// every minute, sets the RTC from the system clock once that is synchronised, and again once a day.
/// An RTC that does not answer is logged once per outage; the device keeps running on the system clock.
/// </summary>
public sealed class RtcClockKeeper(IServiceProvider services, IOptions<ClockOptions> options, ILogger<RtcClockKeeper> logger) : BackgroundService
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMinutes(1);

    /// <summary>The RTC-backed wall clock, started: it runs from the RTC if the system clock is not synchronised.</summary>
    public static RtcBackedClock Open(ClockOptions options, IClockSync system, ILogger logger)
    {
        Ds3231Clock? rtc = null;
        try
        {
            rtc = new Ds3231Clock(I2cDevice.Create(new I2cConnectionSettings(options.RtcI2cBus, options.RtcI2cAddress)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            logger.LogError("Clock: I2C bus {Bus} unusable for the DS3231 ({Error}): enable I2C (raspi-config) and add the service user to group i2c", options.RtcI2cBus, ex.Message);
        }

        var clock = new RtcBackedClock(TimeProvider.System, () => system.Synced, rtc);
        var result = clock.Start();
        switch (result)
        {
            case RtcStartResult.SynchronisedFromRtc:
                logger.LogInformation("Clock: system clock not synchronised; running from the DS3231 ({Time:O}) and stamping events as synchronised", clock.GetUtcNow());
                break;
            case RtcStartResult.SystemAlreadySynchronised:
                logger.LogInformation("Clock: system clock already synchronised; the DS3231 will be set from it");
                break;
            default:
                logger.LogWarning("Clock: DS3231 on I2C bus {Bus} address 0x{Address:X2} not used ({Result}); events are stamped unsynchronised until NTP", options.RtcI2cBus, options.RtcI2cAddress, result);
                break;
        }

        return clock;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.HasRtc || services.GetRequiredService<TimeProvider>() is not RtcBackedClock clock)
        {
            return;
        }

        bool failing = false;
        using var timer = new PeriodicTimer(CheckInterval);
        do
        {
            try
            {
                if (clock.WriteBackIfDue() is { } written)
                {
                    logger.LogInformation("Clock: DS3231 set from the synchronised system clock ({Time:O})", written);
                }

                if (failing)
                {
                    logger.LogInformation("Clock: DS3231 answers again");
                    failing = false;
                }
            }
            catch (IOException ex)
            {
                if (!failing)
                {
                    logger.LogError("Clock: DS3231 does not answer ({Error}); it keeps its last time", ex.Message);
                    failing = true;
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
