using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;
using Remediator.Persistence;
using Remediator.Security;

namespace Remediator.Tests;

/// <summary>The generated token's file: owner-only, replaced whole, never through a link.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ApiTokensTests : IDisposable
{
    private const UnixFileMode WorldReadable = OwnerOnlyFiles.FileMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("remediator-api-tokens-");
    private readonly RecordingLogger _logger = new();

    public void Dispose() => _directory.Delete(recursive: true);

    private string TokenPath => Path.Combine(_directory.FullName, "data", "api-token");

    /// <summary>What an older engine (or a careless copy) left behind: the umask's 0644.</summary>
    private void WriteWorldReadableTokenFile(string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(TokenPath)!);
        File.WriteAllText(TokenPath, content);
        File.SetUnixFileMode(TokenPath, WorldReadable);
    }

    private ApiTokens Start()
    {
        var tokens = new ApiTokens(Microsoft.Extensions.Options.Options.Create(new ApiOptions { GeneratedTokenPath = TokenPath }), _logger);
        tokens.StartAsync(CancellationToken.None).IsCompletedSuccessfully.ShouldBeTrue();
        return tokens;
    }

    [Fact]
    public void A_generated_token_is_0600_in_a_0700_directory()
    {
        var tokens = Start();

        tokens.Accepts(File.ReadAllText(TokenPath).Trim()).ShouldBeTrue();
        File.GetUnixFileMode(TokenPath).ShouldBe(OwnerOnlyFiles.FileMode);
        File.GetUnixFileMode(Path.GetDirectoryName(TokenPath)!).ShouldBe(OwnerOnlyFiles.DirectoryMode);
    }

    [Fact]
    public void A_token_left_readable_by_others_is_reused_and_made_0600()
    {
        WriteWorldReadableTokenFile("0123456789abcdef0123456789abcdef\n");

        var tokens = Start();

        tokens.Accepts("0123456789abcdef0123456789abcdef").ShouldBeTrue();
        File.GetUnixFileMode(TokenPath).ShouldBe(OwnerOnlyFiles.FileMode);
    }

    [Fact]
    public void An_unusable_token_file_is_replaced_whole_by_a_new_0600_one()
    {
        WriteWorldReadableTokenFile("short\n");

        var tokens = Start();

        var token = File.ReadAllText(TokenPath).Trim();
        token.Length.ShouldBe(64);
        tokens.Accepts(token).ShouldBeTrue();
        File.GetUnixFileMode(TokenPath).ShouldBe(OwnerOnlyFiles.FileMode);
        Directory.GetFiles(Path.GetDirectoryName(TokenPath)!).ShouldBe([TokenPath]);
    }

    [Fact]
    public void A_symbolic_link_at_the_token_path_is_refused_with_a_clear_error_and_its_target_is_untouched()
    {
        var target = Path.Combine(_directory.FullName, "elsewhere");
        File.WriteAllText(target, "0123456789abcdef0123456789abcdef\n");
        Directory.CreateDirectory(Path.GetDirectoryName(TokenPath)!);
        File.CreateSymbolicLink(TokenPath, target);

        var tokens = Start();

        tokens.IsConfigured.ShouldBeFalse();
        tokens.Accepts("0123456789abcdef0123456789abcdef").ShouldBeFalse();
        File.ReadAllText(target).ShouldBe("0123456789abcdef0123456789abcdef\n");
        _logger.Errors.ShouldHaveSingleItem().ShouldContain($"{TokenPath} is a symbolic link");
    }

    private sealed class RecordingLogger : ILogger<ApiTokens>
    {
        public List<string> Errors { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error)
            {
                Errors.Add($"{formatter(state, exception)} {exception?.Message}");
            }
        }
    }
}
