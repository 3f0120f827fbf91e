namespace Remediator.Persistence;

/// <summary>
/// Files only the engine's user may read: the embedded database (it holds step outputs) and the
/// generated API token. Directories the engine creates for them are 0700, the files 0600 from the
/// moment they exist, and a file that predates this (an older engine's 0644) is tightened on
/// every start. On Windows, where there are no Unix modes, the directory's ACL applies.
/// </summary>
public static class OwnerOnlyFiles
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>What a directory must not grant if only its owner is to see which files it holds.</summary>
    private const UnixFileMode GroupAndOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Creates <paramref name="path"/> (and missing parents) as 0700. An existing directory keeps
    /// its mode: it may be shared on purpose (a mounted volume, a home directory).
    /// </summary>
    public static void CreateDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, DirectoryMode);
    }

    /// <summary>True when the directory lets its group or others in (e.g. 0755): worth a warning, see <see cref="CreateDirectory"/>.</summary>
    public static bool IsOpenToOthers(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return !OperatingSystem.IsWindows() && (File.GetUnixFileMode(directory) & GroupAndOthers) != 0;
    }

    /// <summary>Creates <paramref name="path"/> empty as 0600 when it does not exist; otherwise makes it 0600.</summary>
    public static void CreateOrRestrict(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // OpenOrCreate with a create mode: never a moment at the umask's 0644, and no race with
        // another engine creating the same file.
        using (new FileStream(path, new FileStreamOptions { Mode = System.IO.FileMode.OpenOrCreate, Access = FileAccess.Write, UnixCreateMode = FileMode }))
        {
        }

        Restrict(path);
    }

    /// <summary>Makes an existing file 0600, leaving it alone when it already is; nothing when it does not exist.</summary>
    public static void Restrict(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!OperatingSystem.IsWindows() && File.Exists(path) && File.GetUnixFileMode(path) != FileMode)
        {
            File.SetUnixFileMode(path, FileMode);
        }
    }

    /// <summary>
    /// Throws when <paramref name="path"/> is a symbolic link: a link planted where the engine
    /// writes a secret would make it write (or read) a file of the planter's choosing.
    /// </summary>
    /// <exception cref="IOException">The path is a symbolic link.</exception>
    public static void RefuseSymbolicLink(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (new FileInfo(path).LinkTarget is { } target)
        {
            throw new IOException($"{path} is a symbolic link (to {target}); the engine does not follow links for the files it keeps secrets in. Remove the link or configure another path.");
        }
    }

    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="content"/> all at once: a temporary
    /// file beside it (created 0600, never an existing file or link), then a rename, which
    /// replaces a link rather than writing through it. A reader sees the old file or the new one,
    /// never half of one.
    /// </summary>
    public static void WriteAtomically(string path, string content)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(content);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(System.Text.Encoding.UTF8.GetBytes(content));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            // Only left behind when writing or renaming failed; the failure itself propagates.
            File.Delete(temporary);
        }
    }
}
