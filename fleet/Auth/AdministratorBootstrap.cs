using Edge.Fleet.Audit;

namespace Edge.Fleet.Auth;

/// <summary>
/// Makes sure someone can administer a new fleet: the administrator <c>admin</c> gets the token in
/// <c>EDGE_ADMIN_TOKEN</c> and/or the password in <c>EDGE_ADMIN_PASSWORD</c> (set only if it has none yet);
/// with neither, the very first start creates <c>admin</c> with a one-time printed token. Nodes starting together on
/// an empty store create one administrator and print one token (<see cref="UserDirectory.CreateFirstUserAsync"/>).
/// </summary>
public sealed class AdministratorBootstrap(UserDirectory users, AuditLog audit, ILogger<AdministratorBootstrap> logger) : IHostedService
{
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

            return;
        }

        if (await users.AnyAsync(cancellationToken))
        {
            return;
        }

        if (await users.CreateFirstUserAsync(AdminName, UserRoles.Administrator, "bootstrap", "first start", cancellationToken) is not { } oneTime)
        {
            return;
        }

        await audit.RecordAsync("bootstrap", AuditActions.UserCreated, AdminName, detail: "administrator with a one-time printed token",
            cancellationToken: cancellationToken);
        // Printed, not logged: it is a credential, shown this once.
        Console.WriteLine($"First start: administrator '{AdminName}' can use the API with this token (shown once): {oneTime}");
        logger.LogWarning("No {TokenVariable} or {PasswordVariable}: created administrator '{Admin}' with a token printed once on stdout",
            TokenVariable, PasswordVariable, AdminName);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
