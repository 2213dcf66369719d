using StaticOffload.State;
using StaticOffload.Planning;
using StaticOffload.Rules;
using StaticOffload.Snapshot;
using StaticOffload.Storage.S3;
using StaticOffload.Sync;

namespace StaticOffload.Tests.State;

public sealed class SyncStampTests : IDisposable
{
    private const string Destination = "s3://site/www/";
    private readonly string _snapshot = Path.Combine(Path.GetTempPath(), $"so-stamp-{Guid.NewGuid():N}.json");

    private static readonly SyncRequest Request = new()
    {
        Files = [],
        Destination = new S3Destination { Bucket = "site", Prefix = "www/" },
        SnapshotPath = "unused",
    };

    private static LocalFile File1(string key = "www/a.css", long size = 10, long ticks = 1000, string? cacheControl = "max-age=60") =>
        new(key, "/p/" + key, size, ticks, null, new ObjectHeaders("text/css", cacheControl), false);

    public void Dispose()
    {
        File.Delete(_snapshot);
        File.Delete(SyncStamp.PathFor(_snapshot));
    }

    [Fact]
    public void Same_inputs_give_the_same_fingerprint()
    {
        Assert.Equal(
            SyncStamp.Compute(Request, Destination, [File1(), File1("www/b.css")]),
            SyncStamp.Compute(Request, Destination, [File1(), File1("www/b.css")]));
    }

    public static TheoryData<string, LocalFile[], SyncRequest, string> Changes => new()
    {
        { "mtime", [File1(ticks: 1001)], Request, Destination },
        { "size", [File1(size: 11)], Request, Destination },
        { "key", [File1("www/A.css")], Request, Destination },
        { "header", [File1(cacheControl: "max-age=61")], Request, Destination },
        { "header set vs empty", [File1(cacheControl: null)], Request, Destination },
        { "one file more", [File1(), File1("www/b.css")], Request, Destination },
        { "destination", [File1()], Request, "s3://site/other/" },
        { "delete option", [File1()], Request with { DeleteRemoved = false }, Destination },
        { "grace period", [File1()], Request with { DeleteAfterDeploys = 2 }, Destination },
        { "remote state", [File1()], Request with { RemoteState = false }, Destination },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Anything_a_sync_decides_from_changes_the_fingerprint(string what, LocalFile[] files, SyncRequest request, string destination)
    {
        Assert.NotEqual(SyncStamp.Compute(Request, Destination, [File1()]), SyncStamp.Compute(request, destination, files));
        Assert.NotNull(what);
    }

    [Fact]
    public void Many_files_hashed_side_by_side_give_one_fingerprint_that_any_file_changes()
    {
        LocalFile[] Files(int changed = -1, long ticks = 1001) =>
            Enumerable.Range(0, 10_000).Select(i => File1($"www/f{i:00000}.css", ticks: i == changed ? ticks : 1000)).ToArray();
        var fingerprint = SyncStamp.Compute(Request, Destination, Files());

        Assert.Equal(fingerprint, SyncStamp.Compute(Request, Destination, Files()));
        // The first, one either side of a chunk's end, the last.
        foreach (var changed in new[] { 0, 4095, 4096, 9999 })
        {
            Assert.NotEqual(fingerprint, SyncStamp.Compute(Request, Destination, Files(changed)));
        }

        var swapped = Files();
        (swapped[4095], swapped[4096]) = (swapped[4096], swapped[4095]);
        Assert.NotEqual(fingerprint, SyncStamp.Compute(Request, Destination, swapped));
    }

    [Fact]
    public void Stamp_matches_only_the_snapshot_it_was_written_with()
    {
        File.WriteAllText(_snapshot, "{}");
        SyncStamp.Write(_snapshot, "abc");

        Assert.True(SyncStamp.Matches(_snapshot, "abc"));
        Assert.False(SyncStamp.Matches(_snapshot, "abd"));

        File.WriteAllText(_snapshot, "{\"changed\":1}");
        Assert.False(SyncStamp.Matches(_snapshot, "abc"));
    }

    [Fact]
    public void Snapshot_rewritten_with_the_same_length_voids_the_stamp_by_its_mtime()
    {
        File.WriteAllText(_snapshot, "{}");
        File.SetLastWriteTimeUtc(_snapshot, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        SyncStamp.Write(_snapshot, "abc");
        File.SetLastWriteTimeUtc(_snapshot, new DateTime(2026, 1, 1, 0, 0, 1, DateTimeKind.Utc));

        Assert.False(SyncStamp.Matches(_snapshot, "abc"));
    }

    [Fact]
    public void No_snapshot_or_no_stamp_never_matches()
    {
        Assert.False(SyncStamp.Matches(_snapshot, "abc"));
        SyncStamp.Write(_snapshot, "abc");
        Assert.False(File.Exists(SyncStamp.PathFor(_snapshot)));

        File.WriteAllText(_snapshot, "{}");
        SyncStamp.Write(_snapshot, "abc");
        SyncStamp.Delete(_snapshot);
        Assert.False(SyncStamp.Matches(_snapshot, "abc"));
    }
}
