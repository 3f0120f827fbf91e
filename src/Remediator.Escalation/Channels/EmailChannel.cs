using System.Globalization;
using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;
using Polly.Timeout;
using Remediator.Escalation.Messages;
using Remediator.Escalation.Policies;
using Remediator.Escalation.Secrets;

namespace Remediator.Escalation.Channels;

/// <summary>
/// Plain-text email over SMTP. Every message of one remediation threads under the trigger's
/// <c>Message-ID</c>; a retried delivery keeps its own id, so mail clients show it once.
/// </summary>
public sealed class EmailChannel(DeliveryPipelines pipelines, ISecretResolver secrets) : IEscalationChannel
{
    public ChannelType Type => ChannelType.Email;

    public async Task<DeliveryResult> SendAsync(DeliverEscalation delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var channel = delivery.Channel;
        string? password = null;
        if (channel.Secrets.ContainsKey("password"))
        {
            password = channel.Value("password", secrets, out var failure);
            if (password is null)
            {
                return failure!;
            }
        }

        var pipeline = pipelines.Provider.GetPipeline(DeliveryPipelines.Smtp);
        var attempts = 0;
        try
        {
            await pipeline.ExecuteAsync(
                async token =>
                {
                    attempts++;
                    using var message = Message(delivery);
                    using var client = new SmtpClient(channel.Setting("host")!, int.Parse(channel.Setting("port") ?? "25", CultureInfo.InvariantCulture))
                    {
                        EnableSsl = channel.Setting("starttls") == "true",
                        DeliveryMethod = SmtpDeliveryMethod.Network,
                    };
                    if (channel.Setting("username") is { } username)
                    {
                        client.Credentials = new NetworkCredential(username, password);
                    }

                    await client.SendMailAsync(message, token);
                },
                cancellationToken);
            return new DeliveryResult(true, $"sent to {delivery.Channel.To.Count} recipients after {attempts} {(attempts == 1 ? "attempt" : "attempts")}", attempts);
        }
        catch (SmtpException ex)
        {
            return new DeliveryResult(false, $"SMTP {(int)ex.StatusCode} {ex.StatusCode} after {attempts} attempts", attempts);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or TimeoutRejectedException)
        {
            return new DeliveryResult(false, $"{ex.GetType().Name} after {attempts} attempts", attempts);
        }
    }

    public static MailMessage Message(DeliverEscalation delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var channel = delivery.Channel;
        var message = new MailMessage
        {
            From = new MailAddress(channel.Setting("from")!),
            Subject = NoticeText.Title(delivery),
            Body = NoticeText.PlainText(delivery).Replace("\n", "\r\n", StringComparison.Ordinal),
            IsBodyHtml = false,

            // Sent as written, without quoted-printable soft breaks in long timeline lines (current MTAs all offer 8BITMIME).
            BodyEncoding = Encoding.UTF8,
            BodyTransferEncoding = TransferEncoding.EightBit,
            SubjectEncoding = Encoding.UTF8,
        };
        foreach (var to in channel.To)
        {
            message.To.Add(to);
        }

        var thread = ThreadId(delivery.RemediationId);
        if (delivery.Kind == DeliveryKind.Trigger && delivery.Tier == 0)
        {
            message.Headers.Add("Message-ID", thread);
        }
        else
        {
            message.Headers.Add("Message-ID", $"<{delivery.DeliveryId:D}@remediator>");
            message.Headers.Add("In-Reply-To", thread);
            message.Headers.Add("References", thread);
        }

        message.Headers.Add("X-Remediator-Delivery", delivery.DeliveryId.ToString("D"));
        return message;
    }

    public static string ThreadId(Guid remediationId) => $"<{EscalationKeys.DedupKey(remediationId)}@remediator>";
}
