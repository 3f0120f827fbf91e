using Remediator.Contracts;

namespace Remediator.Rules.Actions;

/// <summary>The <c>http</c> action's arguments. <see cref="Via"/> is <c>pod</c>, <c>service</c> or <c>url</c>; a null <see cref="ExpectStatus"/> accepts any 2xx.</summary>
public sealed record HttpParameters(string Via, int? Port, string Path, Uri? Url, string Method, string? Body, int? ExpectStatus)
{
    /// <summary>The Service to call via <c>service</c>; null means the one named like the target.</summary>
    public string? Service { get; init; }

    public static HttpParameters From(PlannedStep step)
    {
        var args = StepArguments.For(step, "http");
        return new HttpParameters(
            args.String("via") ?? "pod",
            args.Int("port"),
            args.Path("path") ?? "/",
            args.Url("url"),
            args.String("method") ?? "GET",
            args.String("body"),
            args.Int("expect-status"))
        {
            Service = args.String("service"),
        };
    }
}
