using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Remediator.Rules.Loading;

/// <summary>
/// Passes a parser's events through, refusing lists and mappings nested deeper than
/// <see cref="MaxDepth"/>. YamlDotNet builds its node tree by recursion, one stack frame set per
/// level: a few ten thousand '[' would overflow the stack and kill the engine on a rules reload,
/// which no catch can stop. The check runs on the events, before the recursion descends.
/// </summary>
internal sealed class DepthLimitedParser(IParser inner) : IParser
{
    /// <summary>A rule file is about seven levels deep (rules, rule, steps, step, target, selector); this leaves room for any honest one.</summary>
    public const int MaxDepth = 64;

    private int _depth;

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        if (!inner.MoveNext())
        {
            return false;
        }

        switch (inner.Current)
        {
            case SequenceStart or MappingStart when ++_depth > MaxDepth:
                throw new NestingTooDeepException(inner.Current.Start, inner.Current.End);
            case SequenceEnd or MappingEnd:
                _depth--;
                break;
        }

        return true;
    }
}

/// <summary>Thrown by <see cref="DepthLimitedParser"/>; a <see cref="YamlException"/> so it carries where the limit was crossed.</summary>
internal sealed class NestingTooDeepException(Mark start, Mark end)
    : YamlException(start, end, $"lists and mappings nested deeper than {DepthLimitedParser.MaxDepth} levels");
