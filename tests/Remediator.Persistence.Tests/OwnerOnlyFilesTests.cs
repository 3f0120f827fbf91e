using System.Runtime.Versioning;

namespace Remediator.Persistence.Tests;

/// <summary>Unix modes; on Windows the directory's ACL is what protects these files.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class OwnerOnlyFilesTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("remediator-owner-only-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private string PathOf(params string[] parts) => Path.Combine([_directory.FullName, .. parts]);

    /// <summary>A link planted where a secret is kept, pointing at a file that is not the engine's to write.</summary>
    private (string Link, string Target) LinkToForeignFile()
    {
        var target = PathOf("elsewhere");
        File.WriteAllText(target, "someone else's file");
        var link = PathOf("api-token");
        File.CreateSymbolicLink(link, target);
        return (link, target);
    }

    [Fact]
    public async Task A_new_sqlite_database_is_0600_in_a_0700_directory()
    {
        var database = PathOf("data", "remediator.db");
        using var factory = new DatabaseConnectionFactory(Microsoft.Extensions.Options.Options.Create(new PersistenceOptions { ConnectionString = $"Data Source={database}" }));
        await using (var connection = await factory.OpenConnectionAsync())
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE t (x INTEGER)";
            await command.ExecuteNonQueryAsync();
        }

        File.GetUnixFileMode(database).ShouldBe(OwnerOnlyFiles.FileMode);
        File.GetUnixFileMode(PathOf("data")).ShouldBe(OwnerOnlyFiles.DirectoryMode);
    }

    [Fact]
    public void An_existing_database_left_readable_by_others_is_made_0600_at_start()
    {
        var database = PathOf("remediator.db");
        File.WriteAllBytes(database, []);
        File.SetUnixFileMode(database, OwnerOnlyFiles.FileMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.WriteAllBytes(database + "-wal", []);
        File.SetUnixFileMode(database + "-wal", OwnerOnlyFiles.FileMode | UnixFileMode.OtherRead);

        using var factory = new DatabaseConnectionFactory(Microsoft.Extensions.Options.Options.Create(new PersistenceOptions { ConnectionString = $"Data Source={database}" }));

        File.GetUnixFileMode(database).ShouldBe(OwnerOnlyFiles.FileMode);
        File.GetUnixFileMode(database + "-wal").ShouldBe(OwnerOnlyFiles.FileMode);
    }

    [Fact]
    public void A_symbolic_link_is_refused_with_an_error_naming_it()
    {
        var (link, target) = LinkToForeignFile();

        var error = Should.Throw<IOException>(() => OwnerOnlyFiles.RefuseSymbolicLink(link));

        error.Message.ShouldContain($"{link} is a symbolic link");
        Should.NotThrow(() => OwnerOnlyFiles.RefuseSymbolicLink(target));
        Should.NotThrow(() => OwnerOnlyFiles.RefuseSymbolicLink(PathOf("missing")));
    }

    [Fact]
    public void An_atomic_write_replaces_the_file_whole_as_0600_and_leaves_nothing_beside_it()
    {
        var path = PathOf("api-token");
        File.WriteAllText(path, "old\n");
        File.SetUnixFileMode(path, OwnerOnlyFiles.FileMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        OwnerOnlyFiles.WriteAtomically(path, "new\n");

        File.ReadAllText(path).ShouldBe("new\n");
        File.GetUnixFileMode(path).ShouldBe(OwnerOnlyFiles.FileMode);
        Directory.GetFiles(_directory.FullName).ShouldBe([path]);
    }

    [Fact]
    public void An_atomic_write_replaces_a_link_instead_of_writing_through_it()
    {
        var (link, target) = LinkToForeignFile();

        OwnerOnlyFiles.WriteAtomically(link, "token\n");

        File.ReadAllText(target).ShouldBe("someone else's file");
        new FileInfo(link).LinkTarget.ShouldBeNull();
        File.ReadAllText(link).ShouldBe("token\n");
    }
}
