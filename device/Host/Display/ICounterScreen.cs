namespace Edge.Device.Display;

/// <summary>What the counter display can do, whatever the chip.</summary>
public interface ICounterScreen : IDisposable
{
    /// <summary>Shows the called ticket number and the counter (as far as the screen has room).</summary>
    void Show(string number, string counter);

    void ShowTestPattern();

    /// <summary>0..100 %.</summary>
    void SetBrightness(int percent);
}
