using System.Reflection;
using MassTransit;

namespace Remediator.Engine.Tests;

/// <summary>An <see cref="IPublishEndpoint"/> whose every Publish overload fails or hangs until cancelled.</summary>
public class PublishEndpointDouble : DispatchProxy
{
    public enum Behaviour
    {
        Fail,
        WaitForCancellation,
    }

    private Behaviour _behaviour;

    public static IPublishEndpoint Create(Behaviour behaviour)
    {
        var endpoint = Create<IPublishEndpoint, PublishEndpointDouble>();
        ((PublishEndpointDouble)(object)endpoint)._behaviour = behaviour;
        return endpoint;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod?.ReturnType != typeof(Task))
        {
            throw new NotSupportedException(targetMethod?.Name);
        }

        if (_behaviour == Behaviour.Fail)
        {
            return Task.FromException(new InvalidOperationException("broker refused the message"));
        }

        var token = args?.OfType<CancellationToken>().SingleOrDefault() ?? CancellationToken.None;
        return Task.Delay(Timeout.Infinite, token);
    }
}
