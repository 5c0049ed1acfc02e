// Tiny folders for FolderCycleCounterTests: the counter reads them from this compiled test assembly.
namespace Edge.Device.Tests.Architecture.Fixtures.Left
{
    public sealed class LeftThing
    {
        public Right.RightThing? Partner { get; set; }
    }
}

namespace Edge.Device.Tests.Architecture.Fixtures.Right
{
    public sealed class RightThing
    {
        public Left.LeftThing? Partner { get; set; }
    }
}

namespace Edge.Device.Tests.Architecture.Fixtures.Alone
{
    public sealed class AloneThing
    {
        public Left.LeftThing? Seen { get; set; }
    }
}

namespace Edge.Device.Tests.Architecture.Fixtures.Body
{
    public static class BodyThing
    {
        // Only the method body names Alone: no field, property or signature does.
        public static int Count() => new Alone.AloneThing().Seen is null ? 0 : 1;
    }
}
