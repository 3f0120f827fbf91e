using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Remediator.Escalation.Tests;

/// <summary>A received mail: envelope and the DATA as sent.</summary>
public sealed record ReceivedMail(string From, IReadOnlyList<string> To, string Data)
{
    /// <summary>A header's value, unfolded (long headers continue on lines that start with whitespace).</summary>
    public string? Header(string name)
    {
        var headers = Data[..Data.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Replace("\r\n ", " ", StringComparison.Ordinal).Replace("\r\n\t", " ", StringComparison.Ordinal);
        return headers.Split("\r\n").FirstOrDefault(line => line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim();
    }

    public string Body => Data[(Data.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
}

/// <summary>
/// Just enough SMTP (EHLO, MAIL, RCPT, DATA, RSET, QUIT) over a loopback TcpListener to receive
/// what the email channel sends; <see cref="RejectNext"/> scripts a reply to the next MAIL FROM.
/// </summary>
public sealed class SmtpReceiver : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _rejections = new();
    private readonly ConcurrentQueue<ReceivedMail> _mails = new();
    private Task _accepting = Task.CompletedTask;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public IReadOnlyList<ReceivedMail> Mails => [.. _mails];

    /// <summary>MAIL FROM attempts refused so far.</summary>
    public int Refused { get; private set; }

    public static SmtpReceiver Start()
    {
        var receiver = new SmtpReceiver();
        receiver._listener.Start();
        receiver._accepting = receiver.AcceptAsync();
        return receiver;
    }

    /// <summary>The next MAIL FROM gets this reply, e.g. <c>451 try again later</c> or <c>550 no such user</c>.</summary>
    public void RejectNext(string reply) => _rejections.Enqueue(reply);

    public async Task<IReadOnlyList<ReceivedMail>> WaitForAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (_mails.Count < count)
        {
            timeout.Token.ThrowIfCancellationRequested();
            await Task.Delay(20, CancellationToken.None);
        }

        return Mails;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 localhost ESMTP test receiver");
        string from = "";
        var to = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await writer.WriteLineAsync("250-localhost");
                    await writer.WriteLineAsync("250 8BITMIME");
                    break;
                case "HELO":
                case "RSET":
                case "NOOP":
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "MAIL":
                    if (_rejections.TryDequeue(out var rejection))
                    {
                        Refused++;
                        await writer.WriteLineAsync(rejection);
                        break;
                    }

                    from = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                    to.Clear();
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "RCPT":
                    to.Add(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync() is { } dataLine && dataLine != ".")
                    {
                        data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                    }

                    // The CRLF before the final "." belongs to the terminator (RFC 5321 4.1.1.4), not the message.
                    _mails.Enqueue(new ReceivedMail(from, [.. to], data.ToString(0, Math.Max(0, data.Length - 2))));
                    await writer.WriteLineAsync("250 OK queued");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 bye");
                    return;
                default:
                    await writer.WriteLineAsync("502 not implemented");
                    break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
