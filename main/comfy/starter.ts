// The built-in starter workflow: the vendor's six-node text-to-image sample (reference/artlab-api-edition.md).

import starterJson from './starter-workflow.json';
import { parseWorkflow } from './workflow-parse';
import type { ApiWorkflow } from './workflow-types';

/** The titles ComfyUI's Chinese UI gives the sample's nodes, as the vendor's Chinese sample shows them. */
const ZH_CN_TITLES: Readonly<Record<string, string>> = {
  KSampler: 'K采样器',
  CheckpointLoaderSimple: 'Checkpoint加载器(简易)',
  EmptyLatentImage: '空Latent',
  CLIPTextEncode: 'CLIP文本编码器',
  VAEDecode: 'VAE解码',
  SaveImage: '保存图像',
};

/** A fresh copy of the starter workflow, titled for `locale` ('en' or 'zh-CN'); titles are for display only. */
export function starterWorkflow(locale: 'en' | 'zh-CN' = 'en'): ApiWorkflow {
  const workflow = parseWorkflow(structuredClone(starterJson));
  if (locale === 'zh-CN') {
    for (const node of Object.values(workflow)) {
      const title = node.class_type ? ZH_CN_TITLES[node.class_type] : undefined;
      if (title) node._meta = { ...node._meta, title };
    }
  }
  return workflow;
}
