using LiteDB;

namespace Edge.Fleet.Store.Lite;

/// <summary>
/// Which exceptions mean a LiteDB file's engine is gone (and must be reopened), not that one write was refused.
/// After an I/O error (a full disk) LiteDB 5.0.20 closes the engine for good ("closed", the I/O error again on every
/// call), and what the failure leaves behind shows up as other errors: transactions that can no longer end keep their
/// locks ("Database lock timeout … after 00:01:00") and their slots ("Maximum number of transactions reached"). All
/// of these were seen in one soak with the fleet's data folder full; none of them heals while the engine lives.
/// </summary>
internal static class LiteEngineFailure
{
    public static bool Is(Exception ex)
    {
        for (var e = (Exception?)ex; e is not null; e = e.InnerException)
        {
            if (e is IOException or ObjectDisposedException or UnauthorizedAccessException or SynchronizationLockException
                || (e is LiteException lite && IsEngineState(lite)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsEngineState(LiteException ex) =>
        ex.ErrorCode is LiteException.LOCK_TIMEOUT or LiteException.INVALID_DATAFILE_STATE or LiteException.ENGINE_DISPOSED or LiteException.DATABASE_SHUTDOWN
        || ex.Message.Contains("closed", StringComparison.OrdinalIgnoreCase)
        || ex.Message.Contains("Maximum number of transactions", StringComparison.Ordinal)
        || ex.Message.Contains("must be writable", StringComparison.Ordinal);
}
