using Edge.Fleet.Audit;
using Edge.Fleet.Store;

namespace Edge.Fleet.Auth;

/// <summary>
/// Makes sure someone can administer a new fleet: the administrator <c>admin</c> gets the token in
/// <c>EDGE_ADMIN_TOKEN</c> and/or the password in <c>EDGE_ADMIN_PASSWORD</c> (set only if it has none yet);
/// with neither, the very first start creates <c>admin</c> with a one-time token written to
/// <c>{Fleet:DataDir}/first-start-admin-token</c> (mode 0600, readable by the service user only), whose path — never
/// the token — is logged, so the credential does not end up in journald. Nodes starting together on an empty store
/// create one administrator and one token (<see cref="UserDirectory.CreateFirstUserAsync"/>).
/// </summary>
public sealed class AdministratorBootstrap(
    UserDirectory users, AuditRecorder audit, Microsoft.Extensions.Options.IOptions<Store.FleetOptions> fleet, ILogger<AdministratorBootstrap> logger) : IHostedService
{
    public const string TokenFileName = "first-start-admin-token";

    public const string TokenVariable = "EDGE_ADMIN_TOKEN";
    public const string PasswordVariable = "EDGE_ADMIN_PASSWORD";
    public const string AdminName = "admin";
    public const int MinimumSecretLength = 16;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var token = Environment.GetEnvironmentVariable(TokenVariable);
        var password = Environment.GetEnvironmentVariable(PasswordVariable);
        foreach (var (variable, value) in new[] { (TokenVariable, token), (PasswordVariable, password) })
        {
            if (!string.IsNullOrEmpty(value) && value.Length < MinimumSecretLength)
            {
                throw new InvalidOperationException($"{variable} must be at least {MinimumSecretLength} characters");
            }
        }

        if (!string.IsNullOrEmpty(token) || !string.IsNullOrEmpty(password))
        {
            // Two nodes with the same environment may both do this: both write the same administrator and token.
            var admin = await users.FindAsync(AdminName, cancellationToken);
            if (admin is null || (admin.PasswordHash is null && !string.IsNullOrEmpty(password)))
            {
                await users.SaveAsync(AdminName, UserRoles.Administrator, [], string.IsNullOrEmpty(password) ? null : password, cancellationToken);
                await audit.RecordAsync("bootstrap", AuditActions.UserCreated, AdminName, detail: "administrator from the environment",
                    cancellationToken: cancellationToken);
            }

            if (!string.IsNullOrEmpty(token))
            {
                await users.AdoptAsync(AdminName, "bootstrap", TokenVariable, token, cancellationToken);
            }

            logger.LogInformation("Sign in: administrator '{Admin}' with the {Secret} given in the environment ({Variable})", AdminName,
                string.IsNullOrEmpty(token) ? "password" : "token", string.IsNullOrEmpty(token) ? PasswordVariable : TokenVariable);
            return;
        }

        if (await users.AnyAsync(cancellationToken))
        {
            TellHowToSignInAgain();
            return;
        }

        if (await users.CreateFirstUserAsync(AdminName, UserRoles.Administrator, "bootstrap", "first start", cancellationToken) is not { } oneTime)
        {
            return;
        }

        await audit.RecordAsync("bootstrap", AuditActions.UserCreated, AdminName, detail: "administrator with a one-time token in a 0600 file",
            cancellationToken: cancellationToken);
        var path = fleet.Value.FileIn(TokenFileName);
        WriteOwnerOnly(path, oneTime + "\n");
        logger.LogWarning(
            "First start: created administrator '{Admin}'; its one-time API token is in {Path} (readable by this service's user only). "
            + "Sign in as '{Admin}' with it as the password, then delete the file. Set {TokenVariable} or {PasswordVariable} to choose one instead.",
            AdminName, path, AdminName, TokenVariable, PasswordVariable);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>At a restart: where the first start's token still is, or how an administrator who lost it gets in.</summary>
    private void TellHowToSignInAgain()
    {
        var path = fleet.Value.FileIn(TokenFileName);
        if (File.Exists(path))
        {
            logger.LogInformation("Sign in: administrator '{Admin}' with the one-time token in {Path} as the password (delete the file once you have your own password)",
                AdminName, path);
            return;
        }

        logger.LogInformation("Sign in with your account; an administrator who lost theirs restarts the fleet with {TokenVariable} (16 characters or more) "
            + "in the environment: '{Admin}' then signs in with it", TokenVariable, AdminName);
    }

    /// <summary>Creates the file with mode 0600 from the start (never world-readable, not even for an instant).</summary>
    private static void WriteOwnerOnly(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }

        if (!OperatingSystem.IsWindows())
        {
            // An older file of the same name keeps its mode through FileMode.Create: make it owner-only too.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
