using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using Edge.Device.Configuration;
using Edge.Device.Drivers.Simulation;
using Microsoft.Extensions.Options;

namespace Edge.Device.Gpio;

public static class GpioSetup
{
    /// <summary>
    /// Registers the GpioController: on the simulated driver with --simulate (also registered on its own so the
    /// local endpoint can press its buttons), otherwise on the configured hardware driver.
    /// </summary>
    public static IServiceCollection AddGpio(this IServiceCollection services)
    {
        services.AddListedOptions<GpioOptions>(GpioOptions.Section);
        services.AddSingleton(_ => new SimulatedGpioDriver(pinCount: 64));
        services.AddSingleton(sp =>
        {
            if (sp.GetRequiredService<IOptions<DeviceOptions>>().Value.Simulate)
            {
                return new GpioController(sp.GetRequiredService<SimulatedGpioDriver>());
            }

            var options = sp.GetRequiredService<IOptions<GpioOptions>>().Value;
            return options.Driver switch
            {
                "libgpiod" => new GpioController(new LibGpiodDriver(options.Chip)),
                "libgpiod2" => new GpioController(new LibGpiodV2Driver(options.Chip)),
                "rpi3" => new GpioController(new RaspberryPi3Driver()),
                _ => new GpioController(),
            };
        });
        return services;
    }
}
