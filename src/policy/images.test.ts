import { describe, expect, it } from 'vitest';
import { imagesOf } from './images.js';

const podSpec = { initContainers: [{ name: 'init', image: 'a.example/init:1' }], containers: [{ name: 'app', image: 'a.example/app:1' }, { name: 'side', image: 'nginx' }], ephemeralContainers: [{ name: 'debug', image: 'a.example/debug:1' }] };
const tpl = { metadata: {}, spec: podSpec };

describe('imagesOf: every workload kind, init and ephemeral containers, with JSON pointers', () => {
  it.each([
    ['v1', 'Pod', podSpec, '/spec'],
    ['apps/v1', 'Deployment', { template: tpl }, '/spec/template/spec'],
    ['apps/v1', 'ReplicaSet', { template: tpl }, '/spec/template/spec'],
    ['apps/v1', 'StatefulSet', { template: tpl }, '/spec/template/spec'],
    ['apps/v1', 'DaemonSet', { template: tpl }, '/spec/template/spec'],
    ['batch/v1', 'Job', { template: tpl }, '/spec/template/spec'],
    ['batch/v1', 'CronJob', { jobTemplate: { spec: { template: tpl } } }, '/spec/jobTemplate/spec/template/spec'],
    ['v1', 'ReplicationController', { template: tpl }, '/spec/template/spec'],
  ])('%s %s', (apiVersion, kind, spec, base) => {
    const images = imagesOf({ apiVersion, kind, metadata: { name: 'x' }, spec });
    expect(images.map((i) => [i.container, i.pointer, i.reference])).toEqual([
      ['init', `${base}/initContainers/0/image`, 'a.example/init:1'],
      ['app', `${base}/containers/0/image`, 'a.example/app:1'],
      ['side', `${base}/containers/1/image`, 'docker.io/library/nginx:latest'],
      ['debug', `${base}/ephemeralContainers/0/image`, 'a.example/debug:1'],
    ]);
  });

  it.each([
    ['a custom resource named Deployment', { apiVersion: 'example.com/v1', kind: 'Deployment', spec: { template: tpl } }],
    ['a ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', data: {} }],
  ])('no images in %s', (_name, obj) => {
    expect(imagesOf(obj)).toEqual([]);
  });
});
