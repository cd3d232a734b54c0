import { describe, expect, it } from 'vitest';
import { redactXml, redactYamlBlocks } from '../../../engine/execution/redact/markup';

describe('redactXml', () => {
  it('redacts the text of elements named like secrets', () => {
    expect(redactXml('<password>p w</password>')).toBe('<password>[REDACTED:password]</password>');
    expect(redactXml('<db.password>\n  pw\n</db.password>')).toBe('<db.password>\n  [REDACTED:password]\n</db.password>');
    expect(redactXml('<ns:clientSecret attr="1">cs</ns:clientSecret >')).toBe('<ns:clientSecret attr="1">[REDACTED:secret]</ns:clientSecret >');
    expect(redactXml('<token><![CDATA[a<b]]></token>')).toBe('<token><![CDATA[[REDACTED:token]]]></token>');
  });

  it('redacts the value when another attribute names the secret', () => {
    expect(redactXml('<add key="Api_Key" value="k1"/>')).toBe('<add key="Api_Key" value="[REDACTED:api_key]"/>');
    expect(redactXml("<property name='db.password' value='p'/>")).toBe("<property name='db.password' value='[REDACTED:password]'/>");
    expect(redactXml('<entry key="token">t</entry>')).toBe('<entry key="token">[REDACTED:token]</entry>');
    expect(redactXml('<meta name="csrf-token" content="c1">')).toBe('<meta name="csrf-token" content="[REDACTED:token]">');
  });

  it('leaves other elements, empty values, placeholders and unclosed elements alone', () => {
    for (const xml of [
      '<user>bob</user>',
      '<password/>',
      '<password></password>',
      '<password>${PW}</password>',
      '<password>pw',
      '<password>pw</pass>',
      '<password><![CDATA[pw',
      '<add key="Timeout" value="30"/>',
      '<secretRef>db</secretRef>',
      '<password>[REDACTED:password]</password>',
    ]) {
      expect(redactXml(xml)).toBe(xml);
    }
  });
});

describe('redactYamlBlocks', () => {
  it('replaces the block under a secret name with one mark at its indentation', () => {
    expect(redactYamlBlocks('password: |\n  a\n  b\nnext: 1')).toBe('password: |\n  [REDACTED:password]\nnext: 1');
    expect(redactYamlBlocks('  token: >-\n      a\n\n      b\n  user: x\n')).toBe('  token: >-\n      [REDACTED:token]\n  user: x\n');
    expect(redactYamlBlocks('- secret: |2+ # comment\n    a\n- x')).toBe('- secret: |2+ # comment\n    [REDACTED:secret]\n- x');
    expect(redactYamlBlocks('"api_key": |\r\n  a\r\n  b\r\nn: 1')).toBe('"api_key": |\r\n  [REDACTED:api_key]\r\nn: 1');
  });

  it('keeps a sibling key of a list item out of the block', () => {
    expect(redactYamlBlocks('- password: |\n    pw\n  name: db\n')).toBe('- password: |\n    [REDACTED:password]\n  name: db\n');
  });

  it('leaves blocks under other names, and blocks with nothing left to hide, alone', () => {
    for (const yaml of [
      'description: |\n  a password: here\n',
      'password: |\nnext: 1',
      'password: |',
      'password: |\n  [REDACTED:password]\n',
      'tls.key: |\n  -----BEGIN RSA PRIVATE KEY-----\n  [REDACTED:private_key]\n  -----END RSA PRIVATE KEY-----\n',
      'password: value | with pipe',
    ]) {
      expect(redactYamlBlocks(yaml)).toBe(yaml);
    }
  });
});
