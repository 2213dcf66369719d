using System.Security.Cryptography;
using StaticOffload.Baseline;
using StaticOffload.Hashing;
using StaticOffload.Planning;
using StaticOffload.Rules;
using StaticOffload.Storage;

namespace StaticOffload.Tests.Baseline;

public sealed class ListedFileHasherTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("so-listed-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private LocalFile File(string name, string? content)
    {
        var path = Path.Combine(_folder, name);
        if (content is not null)
        {
            System.IO.File.WriteAllText(path, content);
        }

        return new LocalFile("site/" + name, path, content?.Length ?? 0, 1, null, new ObjectHeaders("text/plain"), false);
    }

    private static RemoteObject[] Listing(params string[] keys) => keys.Select(k => new RemoteObject(k, 1, "etag")).ToArray();

    [Fact]
    public async Task Hashes_exactly_the_local_files_the_listing_names_once_each()
    {
        LocalFile[] files = [File("a.txt", "a"), File("b.txt", "b"), File("c.txt", "c")];
        var hasher = new ListedFileHasher(files, UploadLayout.S3, CancellationToken.None);

        hasher.Listed(Listing("site/a.txt", "site/other.txt"));
        hasher.Listed(Listing("site/c.txt", "site/a.txt"));
        await hasher.CompleteAsync();

        Assert.Equal(2, hasher.Hashed);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData("a"u8)), files[0].Digest!.Md5);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData("a"u8)), files[0].Digest!.ETag);
        Assert.NotNull(files[0].Digest!.Xxh128);
        Assert.Null(files[1].Digest);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData("c"u8)), files[2].Digest!.Md5);
    }

    [Fact]
    public async Task Leaves_a_file_it_cannot_read_and_one_already_hashed_as_they_were()
    {
        var known = new ContentDigest(1, "0cc175b9c0f1b6a831c399e269772661", null, "0cc175b9c0f1b6a831c399e269772661", null);
        LocalFile[] files = [File("gone.txt", null), File("known.txt", "x") with { Digest = known }];
        var hasher = new ListedFileHasher(files, UploadLayout.S3, CancellationToken.None);

        hasher.Listed(Listing("site/gone.txt", "site/known.txt"));
        await hasher.CompleteAsync();

        Assert.Equal(0, hasher.Hashed);
        Assert.Null(files[0].Digest);
        Assert.Same(known, files[1].Digest);
    }
}
