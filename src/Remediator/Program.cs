using System.CommandLine;
using Remediator.Cli;

// `remediator rules lint|test ...` are tools for rule authors; anything else (`run`, or no verb)
// runs the engine. Exceptions are not caught by System.CommandLine so that real failures keep
// their stack traces and the test host's startup hand-off works.
return await RemediatorCommandLine.InvokeAsync(
    args,
    new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
