/**
 * The order in which the containerd analysis runs user-data parts (CLOUD_INIT_STAGES,
 * CLOUD_INIT_SCRIPT_NAMES in infra/guardrails/user-data.ts), checked against cloud-init's own files in
 * reference/cloud-init/ (see its README for the commit): the module lists of cloud.cfg, the stages that
 * run them, the names scripts_user runs scripts by, and how cloud-config parts merge.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { CLOUD_INIT_SCRIPT_NAMES, CLOUD_INIT_STAGES } from "../../../infra/guardrails/user-data";
import { REPO_ROOT } from "../../harness";

const reference = (file: string) => fs.readFileSync(path.join(REPO_ROOT, "reference", "cloud-init", file), "utf8");

/** A cloud.cfg.tmpl module list: the modules of each `cloud_*_modules:` section with the Jinja conditions around them. */
function moduleSections(template: string): Map<string, { module: string; conditions: string[] }[]> {
    const sections = new Map<string, { module: string; conditions: string[] }[]>();
    let current: { module: string; conditions: string[] }[] | undefined;
    const conditions: string[] = [];
    // A Jinja tag may span lines: join them first.
    const lines = template.replace(/\{%[\s\S]*?%\}/g, (tag) => tag.replace(/\s*\n\s*/g, " ")).split("\n");
    for (const line of lines) {
        const jinja = /^\{%-?\s*(if|elif|else|endif)\b\s*(.*?)\s*-?%\}$/.exec(line.trim());
        if (jinja) {
            if (jinja[1] === "if") conditions.push(jinja[2]);
            else if (jinja[1] === "endif") conditions.pop();
            else conditions[conditions.length - 1] = `${jinja[1]} ${jinja[2]}`;
            continue;
        }
        const section = /^(cloud_\w+_modules):\s*$/.exec(line);
        if (section) sections.set(section[1], (current = []));
        else if (/^\S/.test(line) || line.trim() === "") current = undefined;
        else if (current) {
            // Older releases spell module names with dashes (write-files, scripts-user).
            const item = /^\s+-\s+([\w-]+)\s*$/.exec(line);
            if (item) current.push({ module: item[1].replace(/-/g, "_"), conditions: [...conditions] });
        }
    }
    return sections;
}

/** Conditions of cloud.cfg.tmpl that hold for the `amazon` variant (Amazon Linux is not a BSD: see is_bsd). */
const HOLD_ON_AMAZON = new Set(["not is_bsd"]);

/** Where a stage table disagrees with the template: a section out of order, a module missing, conditional or out of order. */
function disagreements(table: readonly { section: string; modules: readonly string[] }[], template: string): string[] {
    const sections = moduleSections(template);
    const found: string[] = [];
    const order = [...sections.keys()];
    table.forEach(({ section }, k) => {
        if (k > 0 && order.indexOf(section) < order.indexOf(table[k - 1].section))
            found.push(`${section} runs before ${table[k - 1].section}`);
    });
    for (const { section, modules } of table) {
        const listed = sections.get(section);
        if (!listed) {
            found.push(`no section ${section}`);
            continue;
        }
        let last = -1;
        for (const [k, module] of modules.entries()) {
            const at = listed.findIndex((m) => m.module === module);
            if (at < 0) found.push(`${module} is not in ${section}`);
            else {
                if (at < last) found.push(`${module} runs before ${modules[k - 1]} in ${section}`);
                const unmet = listed[at].conditions.filter((c) => !HOLD_ON_AMAZON.has(c));
                if (unmet.length > 0) found.push(`${module} in ${section} is only listed when ${unmet.join(" and ")}`);
                last = at;
            }
        }
    }
    return found;
}

describe("the containerd analysis runs user data in cloud-init's order", () => {
    const template = reference("cloud.cfg.tmpl");

    it("its stage table matches cloud.cfg's module lists, for Amazon Linux", () => {
        assert.deepEqual(disagreements(CLOUD_INIT_STAGES, template), []);
        // is_bsd, the one condition the table's modules sit under, is false on Amazon Linux.
        const isBsd = /\{% set is_bsd = variant in \[([^\]]*)\] %\}/.exec(template);
        assert.ok(isBsd && !isBsd[1].includes('"amazon"'), "is_bsd leaves amazon out");
    });

    it("and that of cloud-init 22.2.2, the release Amazon Linux 2023's customised cloud-init is documented against", () => {
        assert.deepEqual(disagreements(CLOUD_INIT_STAGES, reference("cloud.cfg.tmpl-22.2.2")), []);
    });

    it("negative control: a table that mounts before bootcmd, or runs runcmd in the init stage, disagrees", () => {
        const swapped = [{ section: "cloud_init_modules", modules: ["mounts", "bootcmd"] }];
        assert.deepEqual(disagreements(swapped, template), ["bootcmd runs before mounts in cloud_init_modules"]);
        assert.deepEqual(disagreements([{ section: "cloud_init_modules", modules: ["runcmd"] }], template), [
            "runcmd is not in cloud_init_modules",
        ]);
        assert.deepEqual(
            disagreements(
                [
                    { section: "cloud_final_modules", modules: ["scripts_user"] },
                    { section: "cloud_init_modules", modules: ["mounts"] },
                ],
                template,
            ),
            ["cloud_init_modules runs before cloud_final_modules"],
        );
        assert.deepEqual(disagreements([{ section: "cloud_config_modules", modules: ["apt_configure"] }], template), [
            'apt_configure in cloud_config_modules is only listed when elif variant in ["debian", "ubuntu", "unknown"]',
        ]);
    });

    it("the stages run init, config, final; the init stage reads the user data before its modules", () => {
        const main = reference("cmd-main.py");
        assert.match(main, /^MOD_SECTION_TPL = "cloud_%s_modules"$/m);
        const stages = [...main.matchAll(/parser\.parse_args\(args=\[([^\]]*)\]\)/g)].map((m) => m[1]);
        assert.deepEqual(stages, ['"init", "--local"', '"init"', '"modules", "--mode=config"', '"modules", "--mode=final"']);
        const mainInit = main.slice(main.indexOf("def main_init("), main.indexOf("def main_modules("));
        assert.ok(mainInit.indexOf("init.consume_data") > 0, "main_init consumes the user data");
        assert.ok(mainInit.indexOf("init.consume_data") < mainInit.indexOf("run_module_section(mods, name, name)"), "before its modules");
    });

    it("scripts_user runs the shell parts and runcmd by sorted file name: part-NNN, then runcmd", () => {
        const handlers = reference("handlers-__init__.py");
        assert.match(handlers, new RegExp(`^PART_FN_TPL = "${CLOUD_INIT_SCRIPT_NAMES.partTemplate}"$`, "m"));
        // Every leaf part counts, from 0.
        assert.match(handlers, /partnum = 0\n[\s\S]*?filename = PART_FN_TPL % \(partnum\)[\s\S]*?partnum = partnum \+ 1/);
        assert.match(reference("handlers-shell_script.py"), /self\.script_dir = paths\.get_ipath_cur\("scripts"\)/);
        assert.match(
            reference("cc_runcmd.py"),
            new RegExp(`os\\.path\\.join\\(cloud\\.get_ipath\\("scripts"\\), "${CLOUD_INIT_SCRIPT_NAMES.runcmd}"\\)`),
        );
        const scriptsUser = reference("cc_scripts_user.py");
        assert.match(scriptsUser, /^SCRIPT_SUBDIR = "scripts"$/m);
        assert.match(scriptsUser, /subp\.runparts\(runparts_path\)/);
        assert.match(reference("subp.py"), /def runparts\([\s\S]*?for exe_name in sorted\(os\.listdir\(dirp\)\):/);
        assert.ok(CLOUD_INIT_SCRIPT_NAMES.partTemplate.replace("%03d", "999") < CLOUD_INIT_SCRIPT_NAMES.runcmd);
    });

    it("cloud-config parts merge by replacing top-level keys; mounts runs mount -a; fs_setup keeps a filesystem unless overwrite", () => {
        assert.match(reference("handlers-cloud_config.py"), /string_extract_mergers\(\s*"dict\(replace\)\+list\(\)\+str\(\)"\s*\)/);
        assert.match(reference("mergers-m_dict.py"), /def merge_same_key\(old_v, new_v\):\s+if do_replace:\s+return new_v/);
        assert.match(reference("cc_mounts.py"), /subp\.subp\(\["mount", "-a"\]\)/);
        assert.match(reference("cc_disk_setup.py"), /overwrite = fs_cfg\.get\("overwrite", False\)/);
        assert.match(
            reference("cc_disk_setup.py"),
            /if not overwrite:\s+LOG\.debug\("Device %s has required file system", device\)\s+return/,
        );
    });
});
