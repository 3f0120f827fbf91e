using System.Text;

namespace Remediator.Tests.Shared;

/// <summary>
/// Format-blind mutations of a text file's bytes, for the webhook and rule-file fuzzers (linked
/// into both test projects). Everything comes from the <see cref="Random"/> passed in, so a
/// seed reproduces a case exactly; each mutation is named so a failure says what was done.
/// </summary>
internal static class ByteMutator
{
    private static readonly byte[] _utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>Byte sequences that are not UTF-8: a bare continuation, overlong '/', a UTF-16 surrogate, 0xFF, a cut 3-byte lead.</summary>
    private static readonly byte[][] _invalidUtf8 =
    [
        [0x80],
        [0xC0, 0xAF],
        [0xED, 0xA0, 0x80],
        [0xFF],
        [0xE2, 0x82],
        [0xC3, 0x28],
        [0xF4, 0x90, 0x80, 0x80],
    ];

    private static readonly (string Name, Func<Random, byte[], byte[]> Apply)[] _mutations =
    [
        ("truncate", (random, input) => input[..random.Next(input.Length + 1)]),
        ("invalid UTF-8", (random, input) => Insert(input, random.Next(input.Length + 1), Pick(random, _invalidUtf8))),
        ("invalid UTF-8 inside a string", (random, input) => InsideString(random, input, Pick(random, _invalidUtf8))),
        ("UTF-8 BOM", (_, input) => [.. _utf8Bom, .. input]),
        ("control character", (random, input) => Insert(input, random.Next(input.Length + 1), [(byte)random.Next(0x20)])),
        ("control character inside a string", (random, input) => InsideString(random, input, [(byte)random.Next(0x20)])),
        ("NUL bytes", (random, input) => Insert(input, random.Next(input.Length + 1), new byte[random.Next(1, 64)])),
        ("flip a byte", (random, input) => Flip(random, input)),
        ("delete a slice", (random, input) => DeleteSlice(random, input)),
        ("duplicate a slice", (random, input) => DuplicateSlice(random, input)),
        ("random bytes", (random, input) => Insert(input, random.Next(input.Length + 1), RandomBytes(random, random.Next(1, 256)))),
        ("CRLF line ends", (_, input) => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(input).Replace("\n", "\r\n", StringComparison.Ordinal))),
        ("UTF-16 encoded", (_, input) => Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(input))),
        ("tabs for indentation", (_, input) => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(input).Replace("  ", "\t", StringComparison.Ordinal))),
    ];

    /// <summary>Applies one random mutation.</summary>
    public static (string Name, byte[] Output) Mutate(Random random, byte[] input)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(input);
        var (name, apply) = _mutations[random.Next(_mutations.Length)];
        return (name, apply(random, input));
    }

    public static T Pick<T>(Random random, IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(items);
        return items[random.Next(items.Count)];
    }

    public static byte[] Insert(byte[] input, int at, byte[] bytes) => [.. input.AsSpan(0, at), .. bytes, .. input.AsSpan(at)];

    private static byte[] InsideString(Random random, byte[] input, byte[] bytes)
    {
        // Just after an opening quote, so the bytes land in a string value or a key rather than
        // between tokens, where any parser refuses them for the obvious reason.
        var quotes = Enumerable.Range(0, input.Length).Where(i => input[i] == (byte)'"').ToList();
        var at = quotes.Count == 0 ? random.Next(input.Length + 1) : Pick(random, quotes) + 1;
        return Insert(input, at, bytes);
    }

    private static byte[] Flip(Random random, byte[] input)
    {
        if (input.Length == 0)
        {
            return input;
        }

        var output = (byte[])input.Clone();
        output[random.Next(output.Length)] ^= (byte)(1 << random.Next(8));
        return output;
    }

    private static byte[] DeleteSlice(Random random, byte[] input)
    {
        var start = random.Next(input.Length + 1);
        var length = random.Next(Math.Min(64, input.Length - start) + 1);
        return [.. input.AsSpan(0, start), .. input.AsSpan(start + length)];
    }

    private static byte[] DuplicateSlice(Random random, byte[] input)
    {
        var start = random.Next(input.Length + 1);
        var length = random.Next(Math.Min(256, input.Length - start) + 1);
        return Insert(input, start, input[start..(start + length)]);
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
