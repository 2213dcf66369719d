using StaticOffload.Diagnostics;
using StaticOffload.Rules;
using StaticOffload.Snapshot;

namespace StaticOffload.Tests.Snapshot;

public sealed class SnapshotStoreTests : IDisposable
{
    private const string Destination = "s3://my-site-assets/site/ at http://127.0.0.1:9000";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"so-snapshot-{Guid.NewGuid():N}");

    private string SnapshotPath => Path.Combine(_folder, "obj", "staticoffload.snapshot.json");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static SyncSnapshot Sample(string destination = Destination) => new()
    {
        Destination = destination,
        UpdatedAt = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero),
        Entries = new(StringComparer.Ordinal)
        {
            ["site/Index.html"] = new SnapshotEntry
            {
                Size = 1234,
                LastWriteTicks = 638_000_000_000_000_000,
                Md5 = "900150983cd24fb0d6963f7d28e17f72",
                Sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                ETag = "900150983cd24fb0d6963f7d28e17f72",
                Headers = new ObjectHeaders("text/html", "no-cache", null, "STANDARD_IA", "public-read"),
            },
            ["site/big.wasm"] = new SnapshotEntry
            {
                Size = 20_000_000,
                ETag = "0123456789abcdef0123456789abcdef-3",
            },
            ["site/été/ファイル.css"] = new SnapshotEntry
            {
                Size = 1,
                ETag = "d41d8cd98f00b204e9800998ecf8427e",
                Headers = new ObjectHeaders("text/css", ContentEncoding: "br"),
            },
        },
    };

    private SnapshotStore Store() => new(SnapshotPath);

    [Fact]
    public void Saved_snapshot_loads_with_its_entries_and_headers()
    {
        var saved = Sample();
        Store().Save(saved);

        var loaded = Store().Load(Destination, out var warning);

        Assert.Null(warning);
        Assert.NotNull(loaded);
        Assert.Equal(SyncSnapshot.CurrentVersion, loaded.Version);
        Assert.Equal(saved.Destination, loaded.Destination);
        Assert.Equal(saved.UpdatedAt, loaded.UpdatedAt);
        Assert.Equal(saved.Entries.Keys.Order(StringComparer.Ordinal), loaded.Entries.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, entry) in saved.Entries)
        {
            Assert.Equal(entry, loaded.Entries[key]);
        }
    }

    [Fact]
    public void What_coordination_and_rollback_need_survives_a_save_the_state_etag_version_ids_and_entry_files()
    {
        var saved = Sample() with { RemoteStateSha256 = new string('a', 64), RemoteStateETag = "0cc175b9c0f1b6a831c399e269772661" };
        saved.Entries["site/Index.html"] = saved.Entries["site/Index.html"] with { VersionId = "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY", EntryFile = true };
        Store().Save(saved);

        var loaded = Store().Load(Destination, out var warning)!;

        Assert.Null(warning);
        Assert.Equal((saved.RemoteStateSha256, saved.RemoteStateETag), (loaded.RemoteStateSha256, loaded.RemoteStateETag));
        Assert.Equal(saved.Entries["site/Index.html"], loaded.Entries["site/Index.html"]);
        Assert.Equal((null, null), (loaded.Entries["site/big.wasm"].VersionId, loaded.Entries["site/big.wasm"].EntryFile));
    }

    [Fact]
    public void Loaded_entries_are_keyed_case_sensitively()
    {
        Store().Save(Sample());
        var loaded = Store().Load(Destination, out _)!;

        Assert.True(loaded.Entries.ContainsKey("site/Index.html"));
        Assert.False(loaded.Entries.ContainsKey("site/index.html"));
    }

    [Fact]
    public void Missing_file_loads_as_null_without_a_warning()
    {
        var loaded = Store().Load(Destination, out var warning);

        Assert.Null(loaded);
        Assert.Null(warning);
    }

    [Theory]
    [InlineData("{ this is not json")]
    [InlineData("")]
    [InlineData("{\"version\":1,\"destination\":")]
    [InlineData("[1,2,3]")]
    [InlineData("null")]
    public void Corrupt_file_loads_as_null_with_an_unreadable_warning(string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SnapshotPath)!);
        File.WriteAllText(SnapshotPath, content);

        var loaded = Store().Load(Destination, out var warning);

        Assert.Null(loaded);
        Assert.NotNull(warning);
        Assert.Equal(Messages.SnapshotUnreadableCode, warning.Code);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(SnapshotPath, warning.File);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{\"site/a.css\":null}")]
    public void Snapshot_with_null_entries_loads_as_null_with_an_unreadable_warning(string entries)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SnapshotPath)!);
        File.WriteAllText(SnapshotPath, $"{{\"version\":1,\"destination\":\"{Destination}\",\"entries\":{entries}}}");

        var loaded = Store().Load(Destination, out var warning);

        Assert.Null(loaded);
        Assert.Equal(Messages.SnapshotUnreadableCode, warning?.Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Snapshot_of_another_format_version_loads_as_null_with_an_unreadable_warning(int version)
    {
        Store().Save(Sample() with { Version = version });

        var loaded = Store().Load(Destination, out var warning);

        Assert.Null(loaded);
        Assert.Equal(Messages.SnapshotUnreadableCode, warning?.Code);
        Assert.Contains($"version {version}", warning!.Message);
    }

    [Theory]
    [InlineData("s3://other-bucket/site/ at http://127.0.0.1:9000")]
    [InlineData("s3://my-site-assets/ at http://127.0.0.1:9000")]
    [InlineData("s3://my-site-assets/site/")]
    public void Snapshot_of_another_destination_loads_as_null_with_a_warning(string otherDestination)
    {
        Store().Save(Sample(otherDestination));

        var loaded = Store().Load(Destination, out var warning);

        Assert.Null(loaded);
        Assert.Equal(Messages.SnapshotForOtherDestinationCode, warning?.Code);
        Assert.Equal(DiagnosticSeverity.Warning, warning!.Severity);
    }

    [Fact]
    public void Save_creates_the_folder()
    {
        Store().Save(Sample());
        Assert.True(File.Exists(SnapshotPath));
    }

    [Fact]
    public void Save_replaces_the_existing_file_and_leaves_no_temporary_file()
    {
        Store().Save(Sample());
        var second = Sample() with { Entries = new(StringComparer.Ordinal) { ["site/only.css"] = new SnapshotEntry { Size = 7, ETag = "x" } } };
        Store().Save(second);

        Assert.Equal([SnapshotPath], Directory.GetFiles(Path.GetDirectoryName(SnapshotPath)!, "*", SearchOption.AllDirectories));
        var loaded = Store().Load(Destination, out _)!;
        Assert.Equal(["site/only.css"], loaded.Entries.Keys);
    }

    [Fact]
    public void Save_over_a_corrupt_file_makes_it_loadable_again()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SnapshotPath)!);
        File.WriteAllText(SnapshotPath, "garbage");

        Store().Save(Sample());

        Assert.NotNull(Store().Load(Destination, out var warning));
        Assert.Null(warning);
    }

    [Fact]
    public void Null_headers_are_not_written()
    {
        Store().Save(Sample());
        var json = File.ReadAllText(SnapshotPath);

        Assert.DoesNotContain("null", json);
        Assert.Contains("\"site/big.wasm\"", json);
    }

    [Fact]
    public void A_format_1_snapshot_of_an_earlier_version_still_loads_with_its_hashes_and_headers()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SnapshotPath)!);
        File.WriteAllText(SnapshotPath, """
            {"version":1,"destination":"DESTINATION","updatedAt":"2025-03-04T05:06:07+00:00","deploys":2,
             "entries":{"site/a.css":{"size":3,"lastWriteTicks":638000000000000000,"md5":"900150983cd24fb0d6963f7d28e17f72",
             "sha256":"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad","eTag":"900150983cd24fb0d6963f7d28e17f72",
             "headers":{"contentType":"text/css","cacheControl":"no-cache"}}}}
            """.Replace("DESTINATION", Destination, StringComparison.Ordinal));

        var loaded = Store().Load(Destination, out var warning);

        Assert.Null(warning);
        var entry = loaded!.Entries["site/a.css"];
        Assert.Equal(("900150983cd24fb0d6963f7d28e17f72", "900150983cd24fb0d6963f7d28e17f72", 3L, 638_000_000_000_000_000L),
            (entry.Md5, entry.ETag, entry.Size, entry.LastWriteTicks));
        Assert.Null(entry.Xxh128);
        Assert.Equal(new ObjectHeaders("text/css", "no-cache"), entry.Headers);
        Assert.Equal(2, loaded.Deploys);
    }

    [Fact]
    public void An_entry_takes_about_130_bytes_with_its_headers_in_one_shared_table()
    {
        var entries = new Dictionary<string, SnapshotEntry>(StringComparer.Ordinal);
        for (var i = 0; i < 1000; i++)
        {
            entries[$"site/d{i % 100:00}/e{i / 100 % 10}/f{i:000000}.txt"] = new SnapshotEntry
            {
                Size = 1024, LastWriteTicks = 639_315_318_118_896_616, Xxh128 = "07cc5d97aea51d0bc6193cf4390829b9",
                ETag = "2b3d3ac42a9b3ff109fa0a67bd6a8221", Headers = new ObjectHeaders("text/plain", "public, max-age=86400"),
            };
        }

        Store().Save(Sample() with { Entries = entries });

        Assert.InRange(new FileInfo(SnapshotPath).Length / 1000.0, 100, 150);
        Assert.Equal(entries, Store().Load(Destination, out _)!.Entries);
    }
}
