using System.IO.Compression;
using System.Xml.Linq;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Packaging;

/// <summary>The package packed from this repo has the layout of a build-only package.</summary>
[Collection(SyncCollection.Name)]
public sealed class PackageLayoutTests(PackageFeedFixture feed)
{
    [Fact]
    public void Package_has_build_folders_named_after_its_id_and_the_task_with_all_its_dependencies_in_tasks()
    {
        using var package = ZipFile.OpenRead(feed.PackagePath);
        var entries = package.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);

        foreach (var folder in new[] { "build", "buildTransitive", "buildMultiTargeting" })
        {
            Assert.Contains($"{folder}/StaticOffload.Build.props", entries);
            Assert.Contains($"{folder}/StaticOffload.Build.targets", entries);
        }

        string[] taskAssemblies =
        [
            "StaticOffload.Build.dll", "StaticOffload.Engine.dll", "AWSSDK.Core.dll", "AWSSDK.S3.dll",
            "AWSSDK.SecurityToken.dll", "AWSSDK.SSO.dll", "AWSSDK.SSOOIDC.dll",
        ];
        foreach (var assembly in taskAssemblies)
        {
            Assert.Contains($"tasks/net10.0/{assembly}", entries);
        }

        // Nothing for the consumer's compile or runtime, and never MSBuild's own assemblies (a second copy would
        // clash with the ones MSBuild has loaded).
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) || e.StartsWith("ref/", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Contains("Microsoft.Build", StringComparison.Ordinal));
        Assert.Contains("README.md", entries);
    }

    [Fact]
    public void Every_assembly_in_tasks_is_a_ReadyToRun_image_and_the_task_keeps_the_identity_of_its_build()
    {
        Assert.True(OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.OSArchitecture
            == System.Runtime.InteropServices.Architecture.X64, "ReadyToRun images are packed on linux-x64 only; the suite runs there.");
        using var package = ZipFile.OpenRead(feed.PackagePath);
        var assemblies = package.Entries.Where(e => e.FullName.StartsWith("tasks/net10.0/", StringComparison.Ordinal)
                                                    && e.FullName.EndsWith(".dll", StringComparison.Ordinal)).ToArray();
        Assert.Contains(assemblies, e => e.Name == "StaticOffload.Build.dll");
        foreach (var entry in assemblies)
        {
            var (readyToRun, mvid) = Inspect(entry);
            Assert.True(readyToRun, $"{entry.FullName} is IL only: a fresh MSBuild node would JIT it");
            if (entry.Name == "StaticOffload.Build.dll")
            {
                // The image is the build's own assembly compiled ahead: same module identity, so its PDB (in the .snupkg) fits.
                using var built = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(
                    Path.Combine(RepoPaths.Root, "src", "StaticOffload.Build", "bin", "Release", "net10.0", "StaticOffload.Build.dll")));
                var reader = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(built);
                Assert.Equal(reader.GetGuid(reader.GetModuleDefinition().Mvid), mvid);
            }
        }
    }

    private static (bool ReadyToRun, Guid Mvid) Inspect(ZipArchiveEntry entry)
    {
        using var copy = new MemoryStream();
        using (var stream = entry.Open())
        {
            stream.CopyTo(copy);
        }

        copy.Position = 0;
        using var pe = new System.Reflection.PortableExecutable.PEReader(copy);
        var reader = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        return (pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, reader.GetGuid(reader.GetModuleDefinition().Mvid));
    }

    [Fact]
    public void Nuspec_marks_a_development_dependency_with_no_dependencies()
    {
        using var package = ZipFile.OpenRead(feed.PackagePath);
        using var stream = package.GetEntry("StaticOffload.Build.nuspec")!.Open();
        var nuspec = XDocument.Load(stream);
        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");

        Assert.Equal("true", metadata.Elements().Single(e => e.Name.LocalName == "developmentDependency").Value);
        Assert.DoesNotContain(metadata.Descendants(), e => e.Name.LocalName == "dependency");
        Assert.Equal(feed.Version, metadata.Elements().Single(e => e.Name.LocalName == "version").Value);
        Assert.Equal("MIT", metadata.Elements().Single(e => e.Name.LocalName == "license").Value);
    }

    [Fact]
    public void Nuspec_has_what_nuget_org_shows_and_a_symbols_package_sits_beside_it()
    {
        using var package = ZipFile.OpenRead(feed.PackagePath);
        using var stream = package.GetEntry("StaticOffload.Build.nuspec")!.Open();
        var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        XElement Element(string name) => metadata.Elements().Single(e => e.Name.LocalName == name);

        Assert.Equal("expression", Element("license").Attribute("type")?.Value);
        Assert.Equal("README.md", Element("readme").Value);
        Assert.NotNull(package.GetEntry("README.md"));
        Assert.StartsWith("https://github.com/", Element("projectUrl").Value, StringComparison.Ordinal);
        Assert.StartsWith("0.1.0", Element("releaseNotes").Value, StringComparison.Ordinal);
        var repository = Element("repository");
        Assert.Equal("git", repository.Attribute("type")?.Value);
        Assert.StartsWith("https://github.com/", repository.Attribute("url")?.Value, StringComparison.Ordinal);
        // The commit comes from SourceLink's git provider: the build knew which sources it was made from.
        Assert.Matches("^[0-9a-f]{40}$", repository.Attribute("commit")?.Value ?? "");

        using var symbols = ZipFile.OpenRead(Path.ChangeExtension(feed.PackagePath, ".snupkg"));
        foreach (var assembly in new[] { "StaticOffload.Build", "StaticOffload.Engine" })
        {
            Assert.NotNull(symbols.GetEntry($"tasks/net10.0/{assembly}.pdb"));
            using var dll = new MemoryStream();
            using (var entry = package.GetEntry($"tasks/net10.0/{assembly}.dll")!.Open())
            {
                entry.CopyTo(dll);
            }

            dll.Position = 0;
            using var pe = new System.Reflection.PortableExecutable.PEReader(dll);
            Assert.Contains(pe.ReadDebugDirectory(), d => d.Type == System.Reflection.PortableExecutable.DebugDirectoryEntryType.Reproducible);
        }
    }
}
