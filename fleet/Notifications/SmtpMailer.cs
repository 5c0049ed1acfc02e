using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Edge.Fleet.Notifications;

/// <summary>
/// Sends e-mails through <c>Notifications:Smtp</c> with MailKit: one connection per batch, each message its own
/// SMTP transaction. Counts what it sent and what failed on this node.
/// </summary>
public sealed class SmtpMailer(IOptions<NotificationOptions> options)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private long _sent;
    private long _failed;

    public long Sent => Interlocked.Read(ref _sent);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>
    /// Sends each message in turn; returns per message null (the server took it) or why not. A connection that cannot
    /// be opened fails them all.
    /// </summary>
    public async Task<IReadOnlyList<string?>> SendAsync(IReadOnlyList<MimeMessage> messages, CancellationToken cancellationToken)
    {
        var smtp = options.Value.Smtp;
        var outcomes = new string?[messages.Count];
        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        try
        {
            var security = !smtp.UseTls ? SecureSocketOptions.None : smtp.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
            await client.ConnectAsync(smtp.Host ?? "", smtp.Port, security, cancellationToken);
            if (!string.IsNullOrEmpty(smtp.User))
            {
                await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", cancellationToken);
            }
        }
        catch (Exception ex) when (IsSmtpFailure(ex, cancellationToken))
        {
            Array.Fill(outcomes, $"connect to {smtp.Host}:{smtp.Port}: {Describe(ex)}");
            Interlocked.Add(ref _failed, messages.Count);
            return outcomes;
        }

        for (var i = 0; i < messages.Count; i++)
        {
            try
            {
                await client.SendAsync(messages[i], cancellationToken);
                Interlocked.Increment(ref _sent);
            }
            catch (Exception ex) when (IsSmtpFailure(ex, cancellationToken))
            {
                outcomes[i] = Describe(ex);
                Interlocked.Increment(ref _failed);
                if (!client.IsConnected)
                {
                    for (var rest = i + 1; rest < messages.Count; rest++)
                    {
                        outcomes[rest] = "connection lost: " + Describe(ex);
                        Interlocked.Increment(ref _failed);
                    }

                    return outcomes;
                }
            }
        }

        try
        {
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception ex) when (IsSmtpFailure(ex, cancellationToken))
        {
            // Everything was taken already; a failed QUIT changes nothing.
        }

        return outcomes;
    }

    /// <summary>The server's reply code first, when there is one (what an administrator looks for in a dead letter).</summary>
    private static string Describe(Exception ex) => ex is SmtpCommandException command ? $"{(int)command.StatusCode} {command.Message}" : ex.Message;

    private static bool IsSmtpFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is IOException or System.Net.Sockets.SocketException or SmtpCommandException or SmtpProtocolException
            or AuthenticationException or SslHandshakeException or ServiceNotConnectedException or TimeoutException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);
}
