using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using LiteDB;

namespace Edge.Storage;

/// <summary>
/// LiteDB 5.0.20's background writer of the log file (<c>DiskWriterQueue</c>), seen through private fields of this
/// pinned version. When that writer hits an I/O error (a full disk) it stores the exception and stops, but never
/// signals "queue empty": a later <see cref="LiteDatabase.Checkpoint"/> waits for that signal forever while holding the
/// engine's exclusive lock, so every other caller of the file times out after a minute ("Database lock timeout") and
/// the thread never comes back (seen in the soak: the event store never recovered while the process lived). When the
/// very first write of a fresh engine fails, the writer even deadlocks on itself while closing the engine (it waits for
/// its own task) before it stores its exception: only the engine's state (closed, with the I/O error) says so then.
/// <see cref="WaitUntilWritten"/> waits with an eye on the writer's failure instead; <see cref="ReleaseWaiters"/> wakes
/// whoever is already stuck once the database has been given up. On another LiteDB version the fields may be missing:
/// then both do nothing and LiteDB's own behaviour applies.
/// </summary>
internal static class LiteLogWriter
{
    /// <summary>Why the reflection below survives trimming (a trimmed device bundle, device/deploy/README.md).</summary>
    internal const string KeptWhenTrimmed =
        "LiteDB is kept whole in trimmed builds (TrimmerRootAssembly in device/Host/Edge.Device.csproj), so its private fields stay; Lazy<T>'s properties are kept by DynamicDependency.";

    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>Returns once every queued log page is written; throws the writer's own exception if it failed instead.</summary>
    public static void WaitUntilWritten(LiteDatabase db)
    {
        if (Queue(db) is not { } queue || Field<ManualResetEventSlim>(queue, "_queueIsEmpty") is not { } empty)
        {
            return;
        }

        while (!empty.Wait(Poll))
        {
            ThrowIfFailed(db, queue);
        }

        ThrowIfFailed(db, queue);
    }

    /// <summary>Wakes threads waiting for a writer that died (see the class summary); call only on a database given up.</summary>
    public static void ReleaseWaiters(LiteDatabase db)
    {
        if (Queue(db) is { } queue && Failure(db, queue) is not null)
        {
            Field<ManualResetEventSlim>(queue, "_queueIsEmpty")?.Set();
        }
    }

    private static void ThrowIfFailed(LiteDatabase db, object queue)
    {
        if (Failure(db, queue) is { } failure)
        {
            throw new IOException($"LiteDB's log writer failed: {failure.Message}", failure);
        }
    }

    /// <summary>The writer's exception, or the one the engine was closed with (see the class summary).</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = KeptWhenTrimmed)]
    private static Exception? Failure(LiteDatabase db, object queue)
    {
        if (Field<Exception>(queue, "_exception") is { } failure)
        {
            return failure;
        }

        var state = Engine(db) is { } engine ? engine.GetType().GetField("_state", Private)?.GetValue(engine) : null;
        if (state?.GetType().GetField("Disposed")?.GetValue(state) is not true)
        {
            return null;
        }

        return Field<Exception>(state, "_exception") ?? new ObjectDisposedException("LiteDB engine", "the engine was closed");
    }

    private static object? Engine(LiteDatabase db)
    {
        try
        {
            return typeof(LiteDatabase).GetField("_engine", Private)?.GetValue(db);
        }
        catch (Exception ex) when (ex is TargetException or FieldAccessException)
        {
            return null;
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = KeptWhenTrimmed)]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(Lazy<>))]
    private static object? Queue(LiteDatabase db)
    {
        try
        {
            var engine = Engine(db);
            var disk = engine?.GetType().GetField("_disk", Private)?.GetValue(engine);
            var lazy = disk?.GetType().GetField("_queue", Private)?.GetValue(disk);
            if (lazy is null || lazy.GetType().GetProperty("IsValueCreated")?.GetValue(lazy) is not true)
            {
                return null;
            }

            return lazy.GetType().GetProperty("Value")?.GetValue(lazy);
        }
        catch (Exception ex) when (ex is TargetException or FieldAccessException or TargetInvocationException)
        {
            return null;
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = KeptWhenTrimmed)]
    private static T? Field<T>(object owner, string name)
        where T : class =>
        owner.GetType().GetField(name, Private)?.GetValue(owner) as T;
}
