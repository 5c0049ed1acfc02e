using Edge.Device.Drivers.Buttons;

namespace Edge.Device.Gpio;

/// <summary>
/// The buttons a service opened on the shared GPIO controller. The service releases them in its StopAsync, while the
/// controller is still alive: the container disposes the controller before the services resolved after it, and a
/// button released after its controller throws, which crashed every clean stop.
/// </summary>
public sealed class HeldButtons : IDisposable
{
    private readonly List<GpioButton> _buttons = [];

    public int Count => _buttons.Count;

    public void Add(GpioButton button) => _buttons.Add(button);

    public void Dispose()
    {
        foreach (var button in _buttons)
        {
            button.Dispose();
        }

        _buttons.Clear();
    }
}
