using Edge.Device.Provisioning;
using Edge.Testing;
using Edge.Wire;

namespace Edge.Device.Tests.Provisioning;

/// <summary>
/// <c>edge-claim.txt</c>: parsed strictly with the line of any damage named, found in the configured folders (a
/// trailing <c>*</c> covers USB sticks), and its code line removed once used with the rest kept.
/// </summary>
public sealed class ClaimFileTests : IDisposable
{
    private const string Fingerprint = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

    private readonly TempFolder _folder = new("claim-file");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_file_written_by_the_fleet_reads_back_with_its_code_fleet_and_fingerprint()
    {
        var text = new ClaimFile("K7MQ-3XTA", new Uri("https://fleet.example:8443"), Fingerprint, false).Format("centre hcc-1, counter 1");

        var claim = ClaimFile.Parse(text, out var problem);

        Assert.Null(problem);
        Assert.Equal("K7MQ-3XTA", claim!.Code);
        Assert.Equal(new Uri("https://fleet.example:8443"), claim.Fleet);
        Assert.Equal(Fingerprint, claim.CaFingerprint);
        Assert.False(claim.AllowPlaintext);
        Assert.StartsWith("# Edge claim file: centre hcc-1, counter 1\n", text);
    }

    [Fact]
    public void Keys_in_any_case_comments_blank_lines_CRLF_and_a_BOM_are_accepted()
    {
        var claim = ClaimFile.Parse("\uFEFF# typed by hand\r\n\r\nCODE = k7mq3xta\r\nFleet=http://127.0.0.1:8080\r\nallow-plaintext=TRUE\r\n", out var problem);

        Assert.Null(problem);
        Assert.Equal("k7mq3xta", claim!.Code);
        Assert.True(claim.AllowPlaintext);
    }

    [Theory]
    [InlineData("code=K7MQ-3XTA\nfleet=https://f:8443\nflet=x\n", "line 3: unknown key 'flet'")]
    [InlineData("code K7MQ-3XTA\n", "line 1 is not key=value")]
    [InlineData("code=K7MQ-3XTA\n", "a code needs the fleet's address")]
    [InlineData("code=K7MQ-3XTA\nfleet=ftp://f\n", "line 2: fleet must be")]
    [InlineData("code=K7MQ-3XTA\nfleet=https://f\nca-fingerprint=AB:CD\n", "line 3: ca-fingerprint must be")]
    [InlineData("code=K7MQ-3XTA\ncode=ABCD-EFGH\nfleet=https://f\n", "line 2: 'code' given twice")]
    [InlineData("code=K7MQ;rm -rf\nfleet=https://f\n", "line 1: code must be")]
    [InlineData("code=K7MQ-3XTA\nfleet=http://f\nallow-plaintext=yes\n", "line 3: allow-plaintext must be true or false")]
    public void A_damaged_file_is_refused_naming_the_line(string text, string expected)
    {
        Assert.Null(ClaimFile.Parse(text, out var problem));
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void Using_the_code_removes_its_line_and_keeps_the_rest()
    {
        const string text = "# for counter 1\ncode=K7MQ-3XTA\nfleet=https://f:8443\nca-fingerprint=" + Fingerprint + "\n";

        var used = ClaimFile.WithoutCode(text, "code used: provisioned device counter-1");
        var claim = ClaimFile.Parse(used, out var problem);

        Assert.DoesNotContain("K7MQ-3XTA", used);
        Assert.Contains("# code used: provisioned device counter-1", used);
        Assert.Null(problem);
        Assert.Null(claim!.Code);
        Assert.Equal(Fingerprint, claim.CaFingerprint);
        Assert.Equal(text.Replace("code=K7MQ-3XTA", "# code used: provisioned device counter-1"), used);
    }

    [Fact]
    public void The_first_file_with_a_code_is_found_on_a_USB_stick_under_a_star_folder_past_a_damaged_and_a_used_one()
    {
        Write("boot", "code=K7MQ-3XTA\nflet=https://f\n");
        Write("media/used-stick", "# code used\nfleet=https://f\n");
        Write("media/stick", "code=ABCD-EFGH\nfleet=https://f:8443\nca-fingerprint=" + Fingerprint + "\n");

        var source = ClaimFileSource.Find([_folder["empty"], _folder["boot"], _folder["media"] + "/*"], out var problems);

        Assert.NotNull(source);
        Assert.Equal(Path.Combine(_folder["media/stick"], ClaimFile.FileName), source.Path);
        Assert.Equal("ABCD-EFGH", source.Claim.Code);
        var damaged = Assert.Single(problems);
        Assert.Contains(Path.Combine(_folder["boot"], ClaimFile.FileName), damaged);
        Assert.Contains("unknown key 'flet'", damaged);
    }

    [Fact]
    public void A_file_too_big_or_not_text_is_a_problem_not_a_crash()
    {
        Write("big", new string('#', ClaimFile.MaxBytes + 1));
        Directory.CreateDirectory(_folder["binary"]);
        File.WriteAllBytes(Path.Combine(_folder["binary"], ClaimFile.FileName), [0x63, 0x6f, 0x64, 0x65, 0x3d, 0xff, 0xfe, 0x00]);

        var source = ClaimFileSource.Find([_folder["big"], _folder["binary"]], out var problems);

        Assert.Null(source);
        Assert.Equal(2, problems.Count);
        Assert.Contains("more than a claim file's", problems[0]);
        Assert.Contains("not text", problems[1]);
    }

    [Fact]
    public void Marking_the_code_used_rewrites_the_file_without_it_and_a_second_search_finds_nothing()
    {
        Write("boot", "code=K7MQ-3XTA\nfleet=https://f:8443\nca-fingerprint=" + Fingerprint + "\n");
        var source = ClaimFileSource.Find([_folder["boot"]], out _)!;

        var problem = source.MarkUsed("counter-1", new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

        Assert.Null(problem);
        var text = File.ReadAllText(source.Path);
        Assert.DoesNotContain("K7MQ-3XTA", text);
        Assert.Contains("code used 2026-11-23 08:00:00Z: provisioned device counter-1", text);
        Assert.Contains("fleet=https://f:8443", text);
        Assert.Null(ClaimFileSource.Find([_folder["boot"]], out var problems));
        Assert.Empty(problems);
        Assert.False(File.Exists(source.Path + ".tmp"));
    }

    [Fact]
    public void The_default_folders_are_the_boot_partition_and_USB_mounts_and_an_empty_entry_searches_none()
    {
        Assert.Equal(["/boot/firmware", "/boot", "/media/*", "/media/*/*"], new ProvisioningOptions().ClaimFileFoldersInForce);
        Assert.Empty(new ProvisioningOptions { ClaimFileFolders = [""] }.ClaimFileFoldersInForce);
    }

    private void Write(string folder, string text)
    {
        Directory.CreateDirectory(_folder[folder]);
        File.WriteAllText(Path.Combine(_folder[folder], ClaimFile.FileName), text);
    }
}
